import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { modelPinSchema, runKeys, type DeployedModels, type ModelPin } from '@airfill/schema';
import { InputError } from '../errors';
import { runIdFor } from '../ids';
import type { Logger } from '../logger';
import { transformModelFrom, type DeployedModelCatalog } from '../model-files';
import type { ContextContract } from '../query-missing';
import { findText, putText, type Bucket } from '../s3-objects';
import type { TransformModel } from '../start-transform';
import type { PointerModels } from './pointer-models';
import type { PointerReader } from './pointer-reader';
import { ensureServingModel, servingModelName } from './sagemaker-model';

/** What the current-model catalog works with. */
export interface CurrentModelCatalogDeps {
  /** Where runs pin their model (`retrieved_from_db/<run>/model.json`). */
  bucket: Bucket;
  /** The parameters' current-model pointers (SSM, cached briefly). */
  pointers: PointerReader;
  /** The files of pointer models (their model.tar.gz). */
  pointerModels: PointerModels;
  /** The default models the stacks deploy (`AIRFILL_MODELS` and the bundled copies): what fills a parameter without a pointer. */
  deployed: DeployedModelCatalog;
  deployedModels: DeployedModels;
  logger: Logger;
}

/** How start-transform serves a pointer model: the SageMaker model it creates or reuses. */
export interface ServingSettings {
  sagemaker: SageMakerClient;
  /** Names are `<namePrefix>-m-...` (`airfill-<env>`), the prefix the stacks grant CreateModel on. */
  namePrefix: string;
  /** The XGBoost 1.7-1 image. */
  image: string;
  /** The SageMaker execution role the deployed models run with. */
  executionRoleArn: string;
}

/** The models of one execution's runs: each run's model is pinned by the first step that asks, and every later step and retry gets that one. */
export interface ExecutionModels {
  /** The context window of the model the parameter's run fills with (pins it); undefined when no model fills the parameter. */
  contractOf(parameter: string): Promise<ContextContract | undefined>;
  /** The model the parameter's run fills with, with the SageMaker model serving it (created when needed; needs `serving`). */
  modelOf(parameter: string): Promise<TransformModel | undefined>;
}

/** A run's pin as stored; anything else at its key is an `InputError`. */
function readPin(text: string, key: string, parameter: string): ModelPin {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${key} is not JSON: not a model pin`, { key, parameter }, { cause: error });
  }
  const pinned = modelPinSchema.safeParse(json);
  if (!pinned.success || pinned.data.parameter !== parameter) throw new InputError(`${key} does not pin a ${parameter} model`, { key, parameter });
  return pinned.data;
}

/** The fill's models in the cloud: per parameter its current-model pointer, else the deployed default. */
export interface CurrentModelCatalog {
  /** The models of the execution's runs of `chunk` (each run pins its own). @param chunk @default 0 */
  forExecution(executionId: string, chunk?: number): ExecutionModels;
}

/**
 * The models the cloud fill uses. A parameter's current model is the one its
 * SSM pointer names (the gate's or a person's promotion, the training
 * workflow's model.tar.gz), else, with no pointer (a fresh deployment), the
 * deployed default of `AIRFILL_MODELS`. A run decides once: the first step
 * that asks (query-missing) writes the choice to
 * `retrieved_from_db/<run>/model.json`, and start-transform (and any retry)
 * follows that pin even if the pointer moved meanwhile, so a run's features
 * are planned and scored with one model and a promotion takes effect at the
 * next run, never inside one.
 */
export function currentModelCatalog(deps: CurrentModelCatalogDeps, serving?: ServingSettings): CurrentModelCatalog {
  async function choose(parameter: string): Promise<ModelPin | undefined> {
    const pinnedAt = new Date().toISOString();
    const pointer = await deps.pointers(parameter);
    if (pointer) return { source: 'pointer', parameter, version: pointer.version, pointer, pinnedAt };
    const deployed = deps.deployedModels[parameter];
    return deployed ? { source: 'deployed', parameter, version: deployed.version, name: deployed.name, pinnedAt } : undefined;
  }

  async function pinOf(executionId: string, chunk: number, parameter: string): Promise<ModelPin | undefined> {
    const runId = runIdFor(executionId, parameter, chunk);
    const key = runKeys(runId).model;
    const text = await findText(deps.bucket, key);
    if (text !== undefined) return readPin(text, key, parameter);
    const pin = await choose(parameter);
    if (!pin) return undefined;
    await putText(deps.bucket, key, JSON.stringify(pin), 'application/json');
    deps.logger.info('model pinned for the run', { runId, parameter, source: pin.source, version: pin.version });
    return pin;
  }

  /** The deployed default a run pinned, which must still be the one deployed (a deploy under a run would change its model). */
  function checkDeployed(pin: Extract<ModelPin, { source: 'deployed' }>): void {
    const now = deps.deployedModels[pin.parameter];
    if (now?.version !== pin.version || now.name !== pin.name) {
      throw new InputError(`the run pinned the deployed ${pin.parameter} model ${pin.version}, but ${now ? `${now.version} is deployed now` : 'none is deployed now'}`, {
        parameter: pin.parameter,
        pinned: pin.version,
      });
    }
  }

  return {
    forExecution: (executionId, chunk = 0) => ({
      async contractOf(parameter) {
        const pin = await pinOf(executionId, chunk, parameter);
        if (!pin) return undefined;
        if (pin.source === 'pointer') return deps.pointerModels.contractOf(pin.pointer);
        checkDeployed(pin);
        return deps.deployed.contractOf(parameter);
      },
      async modelOf(parameter) {
        const pin = await pinOf(executionId, chunk, parameter);
        if (!pin) return undefined;
        if (pin.source === 'deployed') {
          checkDeployed(pin);
          return deps.deployed.modelOf(parameter);
        }
        if (!serving) throw new InputError('this catalog cannot serve pointer models (no SageMaker settings)', { parameter });
        const { pointer } = pin;
        const model = await deps.pointerModels.modelOf(pointer);
        const name = servingModelName(serving.namePrefix, parameter, pointer.version);
        const outcome = await ensureServingModel(serving.sagemaker, {
          name,
          image: serving.image,
          modelDataUrl: pointer.modelDataUrl,
          executionRoleArn: serving.executionRoleArn,
          parameter,
          version: pointer.version,
          modelPackageArn: pointer.modelPackageArn,
        });
        deps.logger.info(outcome === 'created' ? 'SageMaker model created for the current model' : 'SageMaker model reused', { parameter, version: pointer.version, name });
        // With its holdout figures, as for a deployed model: the live check's yardstick.
        return transformModelFrom(name, model);
      },
    }),
  };
}
