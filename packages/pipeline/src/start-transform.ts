import { CreateTransformJobCommand, DescribeTransformJobCommand, type SageMakerClient, type TransformInstanceType } from '@aws-sdk/client-sagemaker';
import type { FeatureContract } from '@airfill/features';
import type { CalibrationTable } from '@airfill/model';
import {
  contextRecordSchema,
  missingRecordSchema,
  runKeys,
  startTransformEventSchema,
  type StartTransformEvent,
  type StartTransformResult,
  type TransformManifest,
} from '@airfill/schema';
import { aws, isAwsError } from './aws-errors';
import { InputError } from './errors';
import { buildFeatureRows } from './feature-rows';
import { transformJobName } from './ids';
import { assertRunOfExecution } from './run-state';
import { getText, parseJsonLines, putText, toJsonLines } from './s3-objects';
import { settleTransformJob, type SettleDeps } from './settle-transform';
import { putToken } from './token-store';

/** What start-transform works with. */
export interface StartTransformDeps extends SettleDeps {
  sagemaker: SageMakerClient;
}

const HOUR_MS = 3_600_000;

/** How start-transform is configured (Lambda environment plus the bundled model's contract). */
export interface StartTransformSettings {
  parameter: string;
  jobPrefix: string;
  modelName: string;
  modelVersion: string;
  instanceType: string;
  instanceCount: number;
  maxPayloadMb: number;
  /** The feature contract and interval calibration of the model behind `modelName`. */
  model: { version: string; contract: FeatureContract; calibration: CalibrationTable | null };
}

/**
 * The batch transform request. The filters keep the row id out of the model's
 * input and put it back beside each prediction: `InputFilter "$[1:]"` drops
 * the id, `JoinSource Input` joins output to input line by line inside one
 * record, `OutputFilter "$[0,-1]"` keeps the id and the prediction.
 */
export function transformJobRequest(settings: StartTransformSettings, bucket: string, runId: string, jobName: string) {
  const keys = runKeys(runId);
  return {
    TransformJobName: jobName,
    ModelName: settings.modelName,
    MaxPayloadInMB: settings.maxPayloadMb,
    BatchStrategy: 'MultiRecord' as const,
    TransformInput: {
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: `s3://${bucket}/${keys.inputPrefix}` } },
      ContentType: 'text/csv',
      SplitType: 'Line' as const,
    },
    TransformOutput: { S3OutputPath: `s3://${bucket}/${keys.outputPrefix}`, Accept: 'text/csv', AssembleWith: 'Line' as const },
    // The environment schema checks the ml.* shape; SageMaker rejects an unknown type with a clear error.
    TransformResources: { InstanceType: settings.instanceType as TransformInstanceType, InstanceCount: settings.instanceCount },
    DataProcessing: { InputFilter: '$[1:]', JoinSource: 'Input' as const, OutputFilter: '$[0,-1]' },
    Tags: [
      { Key: 'airfill:run', Value: runId },
      { Key: 'airfill:model-version', Value: settings.modelVersion },
    ],
  };
}

/**
 * Turns the run's missing readings into feature rows (`input_batch/<run>/`,
 * headerless CSV, id first), keeps what the callback needs under
 * `retrieved_from_db/<run>/`, stores the task token in SSM and starts the
 * run's transform job. Step Functions waits until the callback sends the
 * token back. A retry (new token) overwrites the token and finds the job it
 * created: still running, it carries on; already finished, it settles it here,
 * since its state-change event has come and gone.
 */
export async function startTransform(deps: StartTransformDeps, settings: StartTransformSettings, rawEvent: StartTransformEvent): Promise<StartTransformResult> {
  const event = startTransformEventSchema.parse(rawEvent);
  const { runId } = event.run;
  assertRunOfExecution(event.executionId, runId);
  if (settings.model.version !== settings.modelVersion) {
    throw new InputError(`bundled model ${settings.model.version} is not the configured ${settings.modelVersion}`, { runId });
  }
  if (settings.model.contract.parameter !== settings.parameter) {
    throw new InputError(`the model fills ${settings.model.contract.parameter}, not ${settings.parameter}`, { runId });
  }
  const jobName = transformJobName(settings.jobPrefix, runId);
  const logger = deps.logger.child({ runId, jobName, step: 'start-transform' });
  const keys = runKeys(runId);

  const missing = parseJsonLines(await getText(deps.bucket, keys.missing), missingRecordSchema, keys.missing);
  const context = parseJsonLines(await getText(deps.bucket, keys.context), contextRecordSchema, keys.context);
  const rows = buildFeatureRows(missing, context, settings.model.contract, settings.model.calibration?.stepMs ?? HOUR_MS);
  const manifest: TransformManifest = {
    runId,
    jobName,
    modelVersion: settings.modelVersion,
    parameter: settings.parameter,
    contract: { ...settings.model.contract },
    calibration: settings.model.calibration,
    rows: rows.targets.length,
    skipped: rows.skipped.length,
  };
  if (rows.skipped.length) logger.warn('readings without a baseline left for a later run', { skipped: rows.skipped.length });
  await putText(deps.bucket, keys.targets, toJsonLines(rows.targets), 'application/x-ndjson');
  await putText(deps.bucket, keys.transform, JSON.stringify(manifest), 'application/json');
  await putToken(deps.tokens, jobName, { taskToken: event.taskToken, runId, executionId: event.executionId });

  const settle = { jobPrefix: settings.jobPrefix, parameter: settings.parameter };
  if (rows.targets.length === 0) {
    // Nothing for SageMaker (a batch transform of an empty prefix fails): settle as a completed, empty job.
    await settleTransformJob(deps, settle, { jobName, status: 'Completed' });
    logger.info('no rows to transform');
    return { jobName, rows: 0, state: 'settled' };
  }

  await putText(deps.bucket, keys.input, rows.csv, 'text/csv');
  try {
    await aws('SageMaker CreateTransformJob', () => deps.sagemaker.send(new CreateTransformJobCommand(transformJobRequest(settings, deps.bucket.name, runId, jobName))));
    logger.info('transform job created', { rows: rows.targets.length, columns: rows.matrix.columns });
    return { jobName, rows: rows.targets.length, state: 'created' };
  } catch (error) {
    if (!isAwsError(error, 'ResourceInUse')) throw error;
  }
  // The job exists: this is a retry.
  const job = await aws('SageMaker DescribeTransformJob', () => deps.sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: jobName })));
  const status = job.TransformJobStatus ?? 'Unknown';
  if (status === 'InProgress' || status === 'Stopping') {
    logger.info('transform job already running; waiting with the new token', { status });
    return { jobName, rows: rows.targets.length, state: 'running' };
  }
  await settleTransformJob(deps, settle, { jobName, status, failureReason: job.FailureReason });
  logger.info('transform job had finished already; settled it', { status });
  return { jobName, rows: rows.targets.length, state: 'settled' };
}
