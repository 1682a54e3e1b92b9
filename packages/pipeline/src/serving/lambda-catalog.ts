import type { DeployedModels } from '@airfill/schema';
import { lambdaClients } from '../clients';
import type { Logger } from '../logger';
import { bundledModelsDir, deployedModelCatalog } from '../model-files';
import { currentModelCatalog, type CurrentModelCatalog } from './current-model-catalog';
import { pointerModels } from './pointer-models';
import { currentPointerReader } from './pointer-reader';

/** What a pipeline Lambda's model catalog is built from (its environment). */
export interface LambdaCatalogOptions {
  /** `AIRFILL_ENV`: the pointers are `/airfill/<env>/models/<slug>/current`, serving models `airfill-<env>-m-...`. */
  environment: string;
  /** `AIRFILL_BUCKET`: where runs pin their model and pointer models live. */
  bucketName: string;
  /** `AIRFILL_MODELS`: the deployed defaults. */
  deployed: DeployedModels;
  /** The handler's folder (its bundle ships the default models beside it). */
  bundleDir: string;
  logger: Logger;
  /** start-transform's: how a pointer model is served (`AIRFILL_XGBOOST_IMAGE`, `AIRFILL_SAGEMAKER_ROLE_ARN`). @default cannot serve, contracts only */
  serving?: { image: string; executionRoleArn: string };
}

/** The current-model catalog of a pipeline Lambda, with the container's clients; build it once per container (it caches pointers and models). */
export function lambdaModelCatalog(options: LambdaCatalogOptions): CurrentModelCatalog {
  const bucket = { s3: lambdaClients.s3(), name: options.bucketName };
  return currentModelCatalog(
    {
      bucket,
      pointers: currentPointerReader(lambdaClients.ssm(), options.environment),
      pointerModels: pointerModels(bucket),
      deployed: deployedModelCatalog(bundledModelsDir(options.bundleDir), options.deployed),
      deployedModels: options.deployed,
      logger: options.logger,
    },
    options.serving ? { sagemaker: lambdaClients.sagemaker(), namePrefix: `airfill-${options.environment}`, ...options.serving } : undefined,
  );
}
