import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { completeTrainingRun, getCurrentModel, promoteModel, registerModel as registerInLedger, type Database } from '@airfill/db';
import { modelFileOf, packModelArchive, readModelArchive } from '@airfill/model';
import { modelPackageGroupName, modelPackageKeys, registerEventSchema, type RegisterEvent, type RegisterResult } from '@airfill/schema';
import type { Logger } from '../logger';
import { getBytes, keyInBucket, putBytes, type Bucket } from '../s3-objects';
import { candidateFileSchema } from './candidate-file';
import { readJson, writeJson } from './run-files';
import { createModelPackage, writeCurrentPointer } from './model-registry';

/** What register-model works with. */
export interface RegisterModelDeps {
  database: Database;
  bucket: Bucket;
  /** The SageMaker Model Registry. */
  sagemaker: SageMakerClient;
  ssm: SSMClient;
  logger: Logger;
}

/** register-model's settings (the Lambda's environment). */
export interface RegisterModelSettings {
  environment: string;
  /** Package groups are `<prefix>-<slug>-models`, as the stacks name them. */
  groupPrefix: string;
  image: string;
  transformInstanceType: string;
  /**
   * Where the `models` row says the model is, given its archive. In the
   * cloud the archive's s3:// URI; locally a model directory unpacked from it
   * (what a local run loads).
   * @default the archive's URI
   */
  placeModel?: (archive: Buffer, parameter: string, version: string) => Promise<string>;
}

/**
 * Registers the evaluated candidate: packs model.tar.gz (the model for the
 * XGBoost container, with contract, metrics and calibration), creates its
 * model package in the parameter's group (Approved or Rejected, as the gate
 * routed), records it in `models`, and, when approved, makes it current
 * (the promotion ledger says "gate") and points the parameter's SSM
 * parameter at it. An approved candidate is made current only if the model
 * it was compared with is still current: a person's promotion meanwhile
 * wins, and the candidate stays registered. Then closes the training run.
 * Every part is idempotent, so a retry repeats it harmlessly.
 */
export async function registerModel(deps: RegisterModelDeps, settings: RegisterModelSettings, rawEvent: RegisterEvent): Promise<RegisterResult> {
  const event = registerEventSchema.parse(rawEvent);
  const { run, approval } = event;
  const logger = deps.logger.child({ runId: run.runId, parameter: run.parameter, step: 'register-model' });
  const candidate = candidateFileSchema.parse(await readJson(deps.bucket, run.evaluation.key, candidateFileSchema));
  const { version } = candidate;
  const keys = modelPackageKeys(run.parameter, version);
  const modelJson = modelFileOf(readModelArchive(await getBytes(deps.bucket, keyInBucket(deps.bucket, candidate.modelUri)))).content.toString('utf8');
  const archive = packModelArchive({ modelJson, contract: candidate.contract, metrics: candidate.metrics, calibration: candidate.calibration });
  await putBytes(deps.bucket, keys.archive, archive, 'application/gzip');
  await writeJson(deps.bucket, keys.metrics, candidate.metrics);
  await writeJson(deps.bucket, keys.calibration, candidate.calibration);
  const uri = (key: string) => `s3://${deps.bucket.name}/${key}`;

  const modelPackageArn = await createModelPackage(deps.sagemaker, {
    group: modelPackageGroupName(settings.groupPrefix, run.parameter),
    version,
    parameter: run.parameter,
    approval,
    image: settings.image,
    transformInstanceType: settings.transformInstanceType,
    archiveUri: uri(keys.archive),
    metricsUri: uri(keys.metrics),
    calibrationUri: uri(keys.calibration),
    reason: candidate.decision.reason,
    mae: candidate.metrics.model.mae,
  });
  const artifactUri = settings.placeModel ? await settings.placeModel(archive, run.parameter, version) : uri(keys.archive);
  await registerInLedger(deps.database, {
    version,
    parameter: run.parameter,
    artifactUri,
    featureContract: candidate.contract,
    // The gate's decision travels with the metrics (as \`airfill train\` records it), so promoting a refused model needs --force.
    // The package too, so promote-model can keep its approval and the pointer in step with the ledger.
    metrics: { ...candidate.metrics, gate: { ...candidate.decision, forced: false }, comparedWith: candidate.current, registry: { modelPackageArn } },
  });

  let current = false;
  if (approval === 'Approved') {
    const before = await getCurrentModel(deps.database, run.parameter);
    const comparedWith = candidate.current?.version ?? null;
    if (before && before.version !== version && comparedWith !== null && before.version !== comparedWith) {
      logger.warn('candidate not made current: the current model changed during the run', { comparedWith, current: before.version });
    } else {
      await promoteModel(deps.database, version, { action: 'gate', reason: candidate.decision.reason, actor: 'training-workflow' });
      await writeCurrentPointer(deps.ssm, settings.environment, {
        parameter: run.parameter,
        version,
        modelPackageArn,
        modelDataUrl: uri(keys.archive),
        action: 'gate',
        reason: candidate.decision.reason,
        forced: false,
        previousVersion: before && before.version !== version ? before.version : null,
        at: new Date().toISOString(),
      });
      current = true;
    }
  }
  await completeTrainingRun(deps.database, run.runId, { modelVersion: version, decision: current ? 'promoted' : 'rejected' });
  logger.info('model registered', { version, approval, current, modelPackageArn });
  logger.metrics(current ? { ModelsPromoted: 1 } : { ModelsRejected: 1 });
  return { version, approval, modelPackageArn, artifactUri, current };
}
