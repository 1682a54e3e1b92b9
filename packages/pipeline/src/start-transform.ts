import { CreateTransformJobCommand, DescribeTransformJobCommand, type SageMakerClient, type TransformInstanceType } from '@aws-sdk/client-sagemaker';
import type { FeatureContract } from '@airfill/features';
import type { CalibrationTable } from '@airfill/model';
import {
  type PlausibilityConfigInput,
  type ProbeRecord,
  contextRecordSchema,
  missingRecordSchema,
  probeRecordSchema,
  runKeys,
  startTransformEventSchema,
  type StartTransformEvent,
  type StartTransformResult,
  type TransformManifest,
} from '@airfill/schema';
import { aws, isAwsError } from './aws-errors';
import { InputError } from './errors';
import { buildFeatureRows, type FeatureRows } from './feature-rows';
import { transformJobName } from './ids';
import { assertRunOfExecution } from './run-state';
import { splitInputParts } from './input-parts';
import { outOfSampleFirst } from './live-check';
import { withoutProbes } from './live-probes';
import { getText, parseJsonLines, putText, toJsonLines } from './s3-objects';
import { settleTransformJob, type SettleDeps } from './settle-transform';
import { putToken } from './token-store';

/** What start-transform works with. */
export interface StartTransformDeps extends SettleDeps {
  sagemaker: SageMakerClient;
}

const HOUR_MS = 3_600_000;

/** The model a parameter's transform runs: the SageMaker model serving it, and its version, feature contract and interval calibration. */
export interface TransformModel {
  /** The SageMaker model the transform job runs. */
  name: string;
  /** Recorded with every prediction. */
  version: string;
  contract: FeatureContract;
  calibration: CalibrationTable | null;
  /** The model's holdout figures (its metrics), the live check's yardstick. @default unknown: the check records no ratio */
  holdout?: TransformManifest['holdout'];
}

/** How start-transform is configured (Lambda environment plus the bundled models' contracts). */
export interface StartTransformSettings {
  jobPrefix: string;
  instanceType: string;
  instanceCount: number;
  maxPayloadMb: number;
  /** Mini-batches each instance scores at once (SageMaker's MaxConcurrentTransforms). @default 1 */
  maxConcurrentTransforms?: number;
  /** The current model of a parameter; undefined when no model fills it. */
  modelOf(parameter: string): Promise<TransformModel | undefined>;
  /** Ranges over the defaults that predictions must fall in (a retry may settle a finished job here). */
  plausibility?: PlausibilityConfigInput;
}

/** What the transform request is made of. */
type TransformJobSettings = Pick<StartTransformSettings, 'instanceType' | 'instanceCount' | 'maxPayloadMb' | 'maxConcurrentTransforms'>;

/**
 * The batch transform request. The filters keep the row id out of the model's
 * input and put it back beside each prediction: `InputFilter "$[1:]"` drops
 * the id, `JoinSource Input` joins output to input line by line inside one
 * record, `OutputFilter "$[0,-1]"` keeps the id and the prediction.
 */
export function transformJobRequest(settings: TransformJobSettings, model: Pick<TransformModel, 'name' | 'version'>, bucket: string, runId: string, jobName: string) {
  const keys = runKeys(runId);
  return {
    TransformJobName: jobName,
    ModelName: model.name,
    MaxPayloadInMB: settings.maxPayloadMb,
    MaxConcurrentTransforms: settings.maxConcurrentTransforms ?? 1,
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
      { Key: 'airfill:model-version', Value: model.version },
    ],
  };
}

/** The probes' feature rows, each target marked with what was observed and the linear interpolation (the callback scores them, never writes them). */
function probeFeatureRows(probes: readonly ProbeRecord[], rows: FeatureRows): Pick<FeatureRows, 'lines' | 'targets'> {
  const byId = new Map(probes.map((probe) => [probe.id, probe]));
  return {
    lines: rows.lines,
    targets: rows.targets.map(({ id, deviceId, parameter, ts, baseline, gapSteps, neighboursObserved }) => {
      const probe = byId.get(id)!;
      return { id, deviceId, parameter, ts, baseline, gapSteps, neighboursObserved, probe: { truth: probe.truth, linear: probe.linear } };
    }),
  };
}

/**
 * Turns the run's missing readings into feature rows (`input_batch/<run>/`,
 * headerless CSV, id first) with the current model of the run's parameter,
 * and the live check's hidden values (`probes.jsonl`) on the context without them,
 * keeps what the callback needs under `retrieved_from_db/<run>/`, stores the
 * task token in SSM and starts the run's transform job on that parameter's
 * SageMaker model. Step Functions waits until the callback sends the token
 * back. A retry (new token) overwrites the token and finds the job it
 * created: still running, it carries on; already finished, it settles it here,
 * since its state-change event has come and gone.
 */
export async function startTransform(deps: StartTransformDeps, settings: StartTransformSettings, rawEvent: StartTransformEvent): Promise<StartTransformResult> {
  const event = startTransformEventSchema.parse(rawEvent);
  const { runId, parameter } = event.run;
  assertRunOfExecution(event.executionId, parameter, runId, event.run.chunk);
  const model = await settings.modelOf(parameter);
  if (!model) throw new InputError(`no current model fills ${parameter}`, { runId, parameter });
  if (model.contract.parameter !== parameter) throw new InputError(`the model given for ${parameter} fills ${model.contract.parameter}`, { runId, parameter });
  const jobName = transformJobName(settings.jobPrefix, runId);
  const logger = deps.logger.child({ runId, parameter, jobName, step: 'start-transform' });
  const keys = runKeys(runId);

  const missing = parseJsonLines(await getText(deps.bucket, keys.missing), missingRecordSchema, keys.missing);
  const foreign = missing.find((record) => record.parameter !== parameter);
  if (foreign) throw new InputError(`${keys.missing} holds a ${foreign.parameter} reading in the ${parameter} run`, { runId });
  const context = parseJsonLines(await getText(deps.bucket, keys.context), contextRecordSchema, keys.context);
  const stepMs = model.calibration?.stepMs ?? HOUR_MS;
  const rows = buildFeatureRows(missing, context, model.contract, stepMs);
  const hidden = event.run.probes > 0 ? parseJsonLines(await getText(deps.bucket, keys.probes), probeRecordSchema, keys.probes) : [];
  // The live check's hidden values, on the context without any of them: the model sees what it would had the sensor dropped them.
  const probes = outOfSampleFirst(hidden, model.holdout?.through);
  const probeRows = probes.length ? probeFeatureRows(probes, buildFeatureRows(probes, withoutProbes(context, hidden), model.contract, stepMs)) : null;
  if (probeRows) {
    // One by one: the sample may be larger than a call may take arguments.
    for (const line of probeRows.lines) rows.lines.push(line);
    for (const target of probeRows.targets) rows.targets.push(target);
  }
  const manifest: TransformManifest = {
    runId,
    jobName,
    modelVersion: model.version,
    parameter,
    contract: { ...model.contract },
    calibration: model.calibration,
    holdout: model.holdout ?? null,
    rows: rows.targets.length,
    probes: probeRows?.targets.length ?? 0,
    skipped: rows.skipped.length,
  };
  if (rows.skipped.length) logger.warn('readings without a baseline left for a later run', { skipped: rows.skipped.length });
  await putText(deps.bucket, keys.targets, toJsonLines(rows.targets), 'application/x-ndjson');
  await putText(deps.bucket, keys.transform, JSON.stringify(manifest), 'application/json');
  await putToken(deps.tokens, jobName, { taskToken: event.taskToken, runId, executionId: event.executionId });

  const settle = { jobPrefix: settings.jobPrefix, ...(settings.plausibility ? { plausibility: settings.plausibility } : {}) };
  if (rows.targets.length === 0) {
    // Nothing for SageMaker (a batch transform of an empty prefix fails): settle as a completed, empty job.
    await settleTransformJob(deps, settle, { jobName, status: 'Completed' });
    logger.info('no rows to transform');
    return { jobName, rows: 0, state: 'settled' };
  }

  const parts = splitInputParts(rows.lines, settings.instanceCount);
  for (const [part, text] of parts.entries()) await putText(deps.bucket, keys.inputPart(part), text, 'text/csv');
  try {
    await aws('SageMaker CreateTransformJob', () => deps.sagemaker.send(new CreateTransformJobCommand(transformJobRequest(settings, model, deps.bucket.name, runId, jobName))));
    logger.info('transform job created', { rows: rows.targets.length, columns: rows.columns, inputObjects: parts.length });
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
