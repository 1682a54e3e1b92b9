import { z } from 'zod';

/**
 * Contracts of the pipeline (DESIGN section 4): what each Lambda receives and
 * returns inside the state machine, the EventBridge event the callback gets,
 * and where each run's objects live in S3.
 */

/** A Step Functions execution id (ARN); the run id is derived from it. */
const executionId = z.string().min(1).max(2048);
const runId = z.uuid();
const count = z.number().int().min(0);
const isoInstant = z.iso.datetime({ offset: true });

/** S3 keys of one run. Prefixes are fixed with the stacks (lifecycle rules, IAM). */
export const runKeys = (run: string) => ({
  /** What query-missing found: one JSON line per missing reading. */
  missing: `retrieved_from_db/${run}/missing.jsonl`,
  /** The context the features need: sensor sites and observations (JSON lines). */
  context: `retrieved_from_db/${run}/context.jsonl`,
  /** What the callback needs to turn raw model outputs into values, one JSON line per row id. */
  targets: `retrieved_from_db/${run}/targets.jsonl`,
  /** The transform's manifest: job name, model version, feature contract, row counts. */
  transform: `retrieved_from_db/${run}/transform.json`,
  /** The model the run fills with, pinned by query-missing so start-transform uses the same one (a promotion meanwhile waits for the next run). */
  model: `retrieved_from_db/${run}/model.json`,
  /** Feature rows for the batch transform: headerless CSV, row id first, in parts (at least one per instance). SageMaker reads the whole prefix. */
  inputPrefix: `input_batch/${run}/`,
  inputPart: (part: number) => `input_batch/${run}/features-${String(part).padStart(5, '0')}.csv`,
  /** Where SageMaker writes `<input name>.out` (lines "id,raw output"). */
  outputPrefix: `output_batch/${run}/`,
  /** The validated final predictions, one JSON line each (device, parameter, timestamp, value, model version). */
  predictions: `predicted_values_output/${run}/predictions.jsonl`,
  /** Predictions the callback refused (not finite, or implausible), one JSON line each, by reading. */
  refused: `predicted_values_output/${run}/refused.jsonl`,
  /** The live check's sample: observed values hidden from the model and predicted, never written as imputations. */
  probes: `retrieved_from_db/${run}/probes.jsonl`,
});

/**
 * S3 keys of one execution (under its own id in the ledger, the one
 * quality-check keeps its record under). Same prefix as the runs', so the
 * same lifecycle rule and grants cover them.
 */
export const executionKeys = (executionRunId: string) => ({
  /** The chunk manifest: a JSON array of {@link ChunkItem}, the Distributed Map's items. */
  chunks: `retrieved_from_db/${executionRunId}/chunks.json`,
});

/** A parameter's name as the input data spells it (`PM 2.5`, `Temperature`). */
const parameterName = z.string().trim().min(1).max(200);

/** Sensors an input may name: four default groups; even at the longest device ids (200 characters) inside Step Functions' 256 KB per state. */
export const MAX_SENSORS_PER_INPUT = 1_000;

/** Execution input (the schedule, the CLI): all optional. */
export const pipelineInputSchema = z
  .object({
    trigger: z.string().min(1).max(200).default('schedule'),
    /** Only readings at or after this instant. @default no bound */
    from: isoInstant.optional(),
    /** Only readings before this instant. @default no bound */
    to: isoInstant.optional(),
    /** Fill only these parameters. @default every stored parameter that has a current model */
    parameters: z.array(parameterName).min(1).max(100).optional(),
    /**
     * Fill only these sensors' readings (device ids). A chunk of a network
     * larger than a group carries its group's here. @default every sensor
     */
    sensors: z.array(z.string().trim().min(1).max(200)).min(1).max(MAX_SENSORS_PER_INPUT).optional(),
  })
  .loose();
export type PipelineInput = z.output<typeof pipelineInputSchema>;

/** Namespace of the pipeline's own CloudWatch metrics (embedded metric format, dimension `Step`). */
export const METRICS_NAMESPACE = 'airfill';

/**
 * The metric quality-check emits once per run: how many alerts it raised (one
 * per sensor and new episode), on the stacks' dashboard. The alerts themselves
 * reach the alarm topic as messages the state machine publishes.
 */
export const QUALITY_ALERTS_METRIC = { namespace: METRICS_NAMESPACE, name: 'QualityAlertsRaised', step: 'quality-check' } as const;

/** Alert messages a run publishes at most, one per sensor and episode; one more message counts the rest. */
export const MAX_ALERT_NOTICES = 50;

/** One alert as a message to the alarm topic (SNS: a subject of at most 100 printable characters). */
export const alertNoticeSchema = z.object({
  subject: z.string().min(1).max(100).regex(/^[\x20-\x7e]+$/, 'printable ASCII on one line'),
  message: z.string().min(1).max(8_000),
});
export type AlertNotice = z.output<typeof alertNoticeSchema>;

/** quality-check's event: the execution input plus the execution id. */
export const qualityCheckEventSchema = z.object({
  executionId,
  input: pipelineInputSchema.default({ trigger: 'schedule' }),
});
export type QualityCheckEvent = z.input<typeof qualityCheckEventSchema>;

/** What quality-check did (at `$.quality` of the state): the window it flagged and what it stored, over every attempt of the run. */
export const qualityCheckResultSchema = z.object({
  runId,
  /** The readings flagged: [from, to); null when nothing is stored yet. */
  window: z.object({ from: isoInstant, to: isoInstant }).nullable(),
  /** Readings checked in the window (every parameter). */
  readings: count,
  /** New flags stored, by severity. */
  invalid: count,
  suspect: count,
  /** Trusted values turned into missing by new invalid flags: the fill fills them. */
  nulled: count,
  /** Alerts raised: one per sensor and new episode (dead, stuck, drifting). */
  alertsRaised: count,
  /** The alerts the run raised as messages, for the state machine to publish to the alarm topic one by one. */
  alerts: z.array(alertNoticeSchema).max(MAX_ALERT_NOTICES + 1),
});
export type QualityCheckResult = z.output<typeof qualityCheckResultSchema>;

/** plan-parameters' event: the execution input plus the execution id. */
export const planParametersEventSchema = z.object({
  executionId,
  input: pipelineInputSchema.default({ trigger: 'schedule' }),
});
export type PlanParametersEvent = z.input<typeof planParametersEventSchema>;

/**
 * One chunk of an execution's plan, an item of the chunk manifest: one
 * parameter over one time window (`input.from`/`input.to`) holding at most a
 * run's worth of missing readings, filled in a run of its own.
 */
export const chunkItemSchema = z.object({
  parameter: parameterName,
  /** Its place among the parameter's chunks, oldest window first (0 for the first). */
  chunk: count,
  /** Whether its run hides values for the live accuracy check (one chunk per parameter: the newest). */
  live: z.boolean(),
  /** The execution input with the chunk's window. */
  input: pipelineInputSchema,
});
export type ChunkItem = z.output<typeof chunkItemSchema>;

/** plan-parameters' result at `$.plan`: what the Map fills, one run per chunk of each parameter. */
export const planParametersResultSchema = z.object({
  /** Parameters with a current model (and readings), in the order of the manifest. */
  parameters: z.array(parameterName),
  /** Parameters stored (and asked for) that no current model fills: reported, not filled. */
  withoutModel: z.array(parameterName),
  /** The execution input, as the schedule or the CLI gave it. */
  input: pipelineInputSchema,
  /** The chunk manifest (in the bucket the state machine reads it from): its key, its chunks in all and per parameter. */
  chunks: z.object({ key: z.string().min(1), count, perParameter: z.record(parameterName, count) }),
});
export type PlanParametersResult = z.output<typeof planParametersResultSchema>;

/** query-missing's event: one chunk of the execution (a Map item), the execution input with its window, the execution id. */
export const queryMissingEventSchema = z.object({
  executionId,
  parameter: parameterName,
  /** The chunk of the parameter; its run id derives from it. @default 0 (a plan of one chunk) */
  chunk: count.default(0),
  /** Whether this chunk's run hides values for the live check. @default true */
  live: z.boolean().default(true),
  input: pipelineInputSchema.default({ trigger: 'schedule' }),
});
export type QueryMissingEvent = z.input<typeof queryMissingEventSchema>;

/** query-missing's result, the state every later step reads. */
export const queryMissingResultSchema = z.object({
  /** The (parent) execution the run belongs to: the later steps of a chunk's child execution name it from here. */
  executionId,
  runId,
  parameter: parameterName,
  chunk: count.default(0),
  found: count,
  /** Observed values hidden for the live accuracy check (predicted, compared, never written). */
  probes: count.default(0),
  bucket: z.string().min(1),
  /** Keys of retrieved_from_db/ objects; absent when nothing was found and nothing is probed. */
  keys: z.object({ missing: z.string().min(1), context: z.string().min(1), probes: z.string().min(1).optional() }).optional(),
});
export type QueryMissingResult = z.output<typeof queryMissingResultSchema>;

/** start-transform's event (the Lambda integration's Payload). */
export const startTransformEventSchema = z.object({
  executionId,
  run: queryMissingResultSchema.loose(),
  taskToken: z.string().min(1).max(8192),
});
export type StartTransformEvent = z.input<typeof startTransformEventSchema>;

/** What start-transform returns to its invoker (Step Functions ignores it while it waits for the token). */
export const startTransformResultSchema = z.object({
  jobName: z.string().min(1),
  rows: count,
  /** `created`: a new job; `running`: a retry found the job still running; `settled`: a retry found it finished and settled it. */
  state: z.enum(['created', 'running', 'settled']),
});
export type StartTransformResult = z.output<typeof startTransformResultSchema>;

/**
 * The live accuracy check of one run: the model's errors on observed values
 * hidden from it (in blocks as long as the run's own gaps), beside linear
 * interpolation on the same values and the model's holdout figures.
 * `ratio` = live MAE / expected MAE, where the expected MAE is the holdout MAE
 * scaled by how much harder than the holdout the run's gaps were for linear
 * interpolation (so a smoggy week is not taken for a worse model).
 */
export const liveCheckSchema = z.object({
  /** Hidden values the model predicted and the check scored. */
  points: count,
  /** Hidden values whose prediction was refused (not scored). */
  refused: count,
  /** Of the points, those before the end of the model's training data (in-sample: optimistic). */
  inSample: count,
  mae: z.number().nonnegative().nullable(),
  linearMae: z.number().nonnegative().nullable(),
  /** Share of points inside their calibrated interval; null when the model has no calibration. */
  coverage: z.number().min(0).max(1).nullable(),
  /** The interval's nominal coverage (e.g. 0.9). */
  nominalCoverage: z.number().gt(0).lt(1).nullable(),
  holdoutMae: z.number().nonnegative().nullable(),
  expectedMae: z.number().nonnegative().nullable(),
  /** Live MAE / expected MAE; null with too few points or no holdout figures. */
  ratio: z.number().nonnegative().nullable(),
});
export type LiveCheck = z.output<typeof liveCheckSchema>;

/** What the callback sends with SendTaskSuccess: the output of the StartTransform state. */
export const transformResultSchema = z.object({
  jobName: z.string().min(1),
  predicted: count,
  modelVersion: z.string().min(1),
  predictionsKey: z.string().min(1),
  /** Predictions refused one by one (their readings stay missing); the others are written. */
  refused: count.default(0),
  /** Where the refused ones are listed, when there are any. */
  refusedKey: z.string().min(1).optional(),
  /** The live accuracy check of the run's hidden sample; null when nothing was probed. */
  live: liveCheckSchema.nullable().default(null),
});
export type TransformResult = z.output<typeof transformResultSchema>;

/** write-predictions' event: the state after the transform. */
export const writePredictionsEventSchema = z.object({
  executionId,
  run: queryMissingResultSchema.extend({ transform: transformResultSchema }).loose(),
});
export type WritePredictionsEvent = z.input<typeof writePredictionsEventSchema>;

/** write-predictions' result. */
export const writePredictionsResultSchema = z.object({
  runId,
  found: count,
  predicted: count,
  written: count,
  alreadyImputed: count,
  notMissing: count,
  unknownSensor: count,
  /** Predictions the callback refused as implausible: recorded by reading in the run ledger, not written. */
  refused: count,
  /** The run's live accuracy check as recorded, with whether it raised the drift signal; null when it made none. */
  live: liveCheckSchema.extend({ drift: z.boolean() }).nullable().default(null),
});
export type WritePredictionsResult = z.output<typeof writePredictionsResultSchema>;

/** record-failure's event: the parameter whose run failed, and the error a Catch put at `$.error`. */
export const recordFailureEventSchema = z.object({
  executionId,
  parameter: parameterName,
  chunk: count.default(0),
  error: z.object({ Error: z.string().default('Unknown'), Cause: z.string().default('') }).loose(),
});
export type RecordFailureEvent = z.input<typeof recordFailureEventSchema>;

/** migrate's event: optionally an initial CSV in the bucket to load. */
export const migrateEventSchema = z
  .object({
    /** Key of a CSV of the input contract in AIRFILL_BUCKET. */
    csvKey: z.string().min(1).optional(),
  })
  .loose()
  .default({});
export type MigrateEvent = z.input<typeof migrateEventSchema>;

/** Final states of a SageMaker transform job; the others are ignored. */
export const FINAL_TRANSFORM_STATUSES = ['Completed', 'Failed', 'Stopped'] as const;

/** The EventBridge "SageMaker Transform Job State Change" event (the fields the callback reads). */
export const transformJobEventSchema = z.object({
  source: z.literal('aws.sagemaker'),
  'detail-type': z.literal('SageMaker Transform Job State Change'),
  detail: z
    .object({
      TransformJobName: z.string().min(1),
      TransformJobStatus: z.string().min(1),
      FailureReason: z.string().optional(),
    })
    .loose(),
});
export type TransformJobEvent = z.input<typeof transformJobEventSchema>;

/** What start-transform keeps in SSM (SecureString) for the callback, under `${AIRFILL_SSM_PREFIX}/<job name>`. */
export const transformTokenSchema = z.object({
  taskToken: z.string().min(1),
  runId,
  executionId,
});
export type TransformToken = z.output<typeof transformTokenSchema>;

/** A missing reading as query-missing writes it (one JSON line); `id` is the row id through the transform. */
export const missingRecordSchema = z.object({
  id: count,
  deviceId: z.string().min(1),
  parameter: z.string().min(1),
  ts: isoInstant,
});
export type MissingRecord = z.output<typeof missingRecordSchema>;

/**
 * An observed value hidden for the live accuracy check (one JSON line of
 * `probes.jsonl`): predicted as if it were missing, compared with what was
 * observed, never written. `linear` is the linear interpolation across the
 * hidden block, the yardstick that says how hard the run's gaps were.
 */
export const probeRecordSchema = missingRecordSchema.extend({
  truth: z.number().refine(Number.isFinite, 'truth must be finite'),
  linear: z.number().refine(Number.isFinite, 'linear must be finite'),
});
export type ProbeRecord = z.output<typeof probeRecordSchema>;

/**
 * A line of the context file: a sensor site, or the observed values of one
 * parameter at one sensor (epoch ms and values, paired by position): one
 * line per series keeps a year of a network to a few hundred lines.
 */
export const contextRecordSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('site'), deviceId: z.string().min(1), latitude: z.number(), longitude: z.number() }),
  z
    .object({ kind: z.literal('series'), deviceId: z.string().min(1), parameter: z.string().min(1), ts: z.array(z.number()), values: z.array(z.number()) })
    .refine((series) => series.ts.length === series.values.length, { message: 'ts and values must have the same length' }),
]);
export type ContextRecord = z.output<typeof contextRecordSchema>;

/**
 * What the callback needs per row id: the reading, and the baseline the model's
 * raw output is added to (null for a raw target). Written by start-transform.
 */
export const targetRecordSchema = missingRecordSchema.extend({
  /** Baseline for residual targets; null when the model predicts the value itself, or when the baseline is unknown (NaN). */
  baseline: z.number().nullable(),
  /** The interval calibration's key: the length of the gap in steps (null: open-ended) and the other sensors observed at the time. */
  gapSteps: z.number().nullable().default(null),
  neighboursObserved: count.default(0),
  /** Set on the live check's hidden values only: what was observed and the linear interpolation. Never written. */
  probe: probeRecordSchema.pick({ truth: true, linear: true }).optional(),
});
export type TargetRecord = z.output<typeof targetRecordSchema>;

/** A row of predicted_values_output/. */
export const predictionRecordSchema = z.object({
  deviceId: z.string().min(1),
  parameter: z.string().min(1),
  ts: isoInstant,
  value: z.number().refine(Number.isFinite, 'value must be finite'),
  /** The calibrated interval around the value (null when the model has no calibration). */
  lower: z.number().nullable().default(null),
  upper: z.number().nullable().default(null),
  modelVersion: z.string().min(1),
});
export type PredictionRecord = z.output<typeof predictionRecordSchema>;

/** A prediction the callback refused, by reading (never by row index). */
export const refusedRecordSchema = z.object({
  deviceId: z.string().min(1),
  parameter: z.string().min(1),
  ts: isoInstant,
  /** The value refused; null when it was not a number. */
  value: z.number().nullable(),
  reason: z.string().min(1),
});
export type RefusedRecord = z.output<typeof refusedRecordSchema>;

/**
 * What start-transform records beside the targets for the callback: which
 * job, which model, and the feature contract (the callback rebuilds final
 * values with `toPrediction`, which needs the contract's target kind).
 */
export const transformManifestSchema = z.object({
  runId,
  jobName: z.string().min(1),
  modelVersion: z.string().min(1),
  parameter: z.string().min(1),
  /** The model's feature contract (validated where it is used). */
  contract: z
    .object({
      target: z.discriminatedUnion('kind', [z.object({ kind: z.literal('raw') }), z.object({ kind: z.literal('residual'), baselineColumn: z.string() })]),
    })
    .loose(),
  /** The model's interval calibration (`calibration.json`, validated where it is used); null for a model without one. */
  calibration: z.unknown().nullable().default(null),
  /** The model's own holdout figures, the live check's yardstick; null when its metrics do not say. */
  holdout: z.object({ mae: z.number().nonnegative(), linearMae: z.number().nonnegative().nullable(), through: isoInstant.nullable() }).nullable().default(null),
  /** Rows sent to the transform (the live check's hidden values included). */
  rows: count,
  /** Of them, the live check's hidden values. */
  probes: count.default(0),
  /** Claimed readings left out because their features cannot be made (no baseline): the next run tries again. */
  skipped: count,
});
export type TransformManifest = z.output<typeof transformManifestSchema>;

