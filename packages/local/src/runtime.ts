import path from 'node:path';
import { listParameters, MIGRATIONS_FOLDER, openDatabase, type Database } from '@airfill/db';
import { modelFolderName } from '@airfill/model';
import {
  createLogger,
  DEFAULT_DRIFT_RULE,
  DEFAULT_LIVE_POINTS,
  type DriftRule,
  handleTransformEvent,
  migrate,
  runIdFromJobName,
  runStep,
  transformModelFrom,
  type Bucket,
  type Logger,
  type QualityCheckSettings,
  type SettleOutcome,
  type SettleSettings,
  type StartTransformSettings,
} from '@airfill/pipeline';
import type { PlausibilityConfigInput, TransformJobEvent } from '@airfill/schema';
import { transformEventPattern } from '@airfill/workflow';
import { LocalEventBus } from './control-plane/event-bus';
import { LocalParameterStore } from './control-plane/parameter-store';
import { LocalSageMaker, type LocalTransformJob } from './control-plane/sagemaker';
import { LocalTaskTokens } from './control-plane/task-tokens';
import { FaultPlan } from './faults';
import { startLocalS3, type LocalS3 } from '@airfill/pipeline/local-s3';
import { closeOrphanedRuns } from './orphaned-runs';
import { chooseModels, type ChosenModel } from './model-choice';
import type { ChunkRun, PipelineProgress } from './progress';
import { runTransformJob, TransformJobError } from './transform-job';

/** Names the local runtime gives what the stacks name in the cloud. */
export const LOCAL_NAMES = {
  bucket: 'airfill-local',
  jobPrefix: 'airfill-local-',
  ssmPrefix: '/airfill/local/jobs',
  modelPrefix: 'airfill-local-model-',
  /** The alarm topic the definition publishes quality alerts to; locally they go to the progress events and the step log. */
  alertTopicArn: 'arn:aws:sns:us-east-1:000000000000:airfill-local-alarms',
} as const;

/** The local SageMaker model a parameter's transforms run. */
export const localModelName = (parameter: string): string => `${LOCAL_NAMES.modelPrefix}${modelFolderName(parameter)}`;

/** The job name in a transform state-change event (empty when it is not one). */
const jobNameOf = (event: unknown): string => {
  const name = (event as { detail?: { TransformJobName?: unknown } } | undefined)?.detail?.TransformJobName;
  return typeof name === 'string' ? name : '';
};

/** Options of {@link startLocalRuntime}. */
export interface LocalRuntimeOptions {
  /**
   * Fill only these parameters; each must have a model (else `NoModelError`).
   * @default every stored parameter that has a model (the others are reported as without a model)
   */
  parameters?: readonly string[];
  /** Ranges over the defaults that predictions must fall in (the `--plausibility` file). */
  plausibility?: PlausibilityConfigInput;
  /** How many parameters are filled at the same time (the Map's MaxConcurrency). @default 2 */
  maxConcurrency?: number;
  /** Folder of embedded PostgreSQL, the S3 objects and the reports. */
  dataDir: string;
  /** Use this open database (left open by `stop`). */
  database?: Database;
  /** Else PostgreSQL at this URL; else embedded PostgreSQL in `dataDir`. */
  databaseUrl?: string;
  /** Keep S3 objects in `<dataDir>/s3` after the run (else a temporary folder). @default true */
  keepObjects?: boolean;
  /** Most readings one execution claims (AIRFILL_MAX_READINGS_PER_RUN). @default 2_000_000 */
  maxReadingsPerRun?: number;
  /** Most sensors of one chunk: a larger network is cut into spatial groups too (plan-parameters). @default DEFAULT_GROUP_SENSORS (250) */
  groupSensors?: number;
  /** Observed values each run hides for the live accuracy check (AIRFILL_LIVE_POINTS); 0 turns it off. @default 200 */
  livePoints?: number;
  /** When the live check raises the drift signal (AIRFILL_DRIFT_FACTOR, AIRFILL_DRIFT_RUNS). @default 1.5x for 3 runs */
  drift?: DriftRule;
  /** Quality control's settings and the plausibility ranges (the Lambda's AIRFILL_QUALITY_CONFIG and AIRFILL_PLAUSIBILITY). @default the defaults */
  quality?: QualityCheckSettings;
  /** Where the steps' JSON log lines go (CloudWatch Logs in the cloud). @default discarded */
  log?: (line: string) => void;
  /** Progress of starting up ("starting embedded PostgreSQL ..."). */
  onProgress?: (message: string) => void;
  /** Wait before the event bus retries a failed callback. @default 100 */
  callbackRetryDelayMs?: number;
  /**
   * Runs once the database is migrated, before the models are chosen: loading
   * the input, and checking the parameters asked for are ones the data has (a
   * typo is then named with the parameters that exist, not as a missing model).
   */
  prepare?: (database: Database) => Promise<void>;
  /**
   * Close runs left `running` by an earlier, interrupted process. Only safe
   * when no other process runs the pipeline on this database.
   * @default true for embedded PostgreSQL (which one process owns), else false
   */
  closeOrphanedRuns?: boolean;
}

/** Everything the local pipeline runs on; `stop()` stops what was started. */
export interface LocalRuntime {
  database: Database;
  /** Where the database is, for people (no password). */
  location: string;
  s3: LocalS3;
  bucket: Bucket;
  /** The model of each parameter to fill. */
  models: ReadonlyMap<string, ChosenModel>;
  /** Stored parameters (or those asked for) that no model fills: reported, not filled. */
  withoutModel: string[];
  /** The parameters asked for (the execution input's `parameters`); undefined for every stored one. */
  requestedParameters: readonly string[] | undefined;
  sagemaker: LocalSageMaker;
  tokens: LocalTaskTokens;
  parameters: LocalParameterStore;
  bus: LocalEventBus;
  logger: Logger;
  maxReadingsPerRun: number;
  /** Most sensors of one chunk (plan-parameters' `groupSensors`); undefined: its default. */
  groupSensors: number | undefined;
  /** query-missing's live sample size and write-predictions' drift rule, as the Lambda environment gives them in the cloud. */
  live: { points: number; drift: DriftRule };
  /** quality-check's settings, as the Lambda environment gives them in the cloud. */
  quality: QualityCheckSettings;
  maxConcurrency: number;
  /** start-transform's settings, as the Lambda environment gives them in the cloud. */
  transformSettings: StartTransformSettings;
  /** The callback's settings (which jobs are ours, the plausible ranges). */
  settleSettings: SettleSettings;
  /** How long migrate took. */
  migrateMs: number;
  /** Runs an earlier, interrupted process had left open, closed at start. */
  orphanedRuns: string[];
  /** Faults of the execution under way (set by the engine). */
  faults: FaultPlan;
  /** The runs of the execution under way: run id -> its chunk (set by the engine). */
  runs: Map<string, ChunkRun>;
  /** Told about transform jobs and callbacks of the execution under way (set by the engine). */
  observe: (event: PipelineProgress) => void;
  stop(): Promise<void>;
}

/**
 * Starts the local runtime: PostgreSQL (given, at a URL, or embedded),
 * s3rver with the pipeline bucket, migrations through the real migrate
 * step, the model of each parameter to fill (current in the registry, else
 * the committed default; a parameter asked for by name must have one),
 * and the in-process control planes the cloud provides: SageMaker's batch
 * transform (scoring with the TypeScript scorer), Step Functions' task
 * tokens, SSM parameters, and an EventBridge rule that sends the transform's
 * state change to the real callback logic. If starting fails half-way,
 * what was started is stopped.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  // The SDK here talks only to s3rver and in-process stand-ins; its notice about future Node versions is noise for a local user.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const logger = createLogger({ level: 'debug', fields: { runtime: 'local' }, write: options.log ?? (() => undefined) });
    const keep = options.keepObjects ?? true;
    const s3 = await startLocalS3(keep ? { directory: path.join(path.resolve(options.dataDir), 's3') } : {});
    stops.push(() => s3.stop());
    let database: Database;
    let location: string;
    if (options.database) {
      database = options.database;
      location = 'the given database';
    } else {
      const opened = await openDatabase({
        dataDir: options.dataDir,
        databaseUrl: options.databaseUrl,
        migrate: false,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      stops.push(() => opened.close());
      database = opened;
      location = opened.location;
    }
    const bucket = await s3.bucket(LOCAL_NAMES.bucket);

    const migrateStarted = performance.now();
    options.onProgress?.('migrating the database');
    await runStep(logger, 'migrate', () => migrate({ database, bucket, logger }, { migrationsFolder: MIGRATIONS_FOLDER }, {}));
    const migrateMs = performance.now() - migrateStarted;
    await options.prepare?.(database);
    const wanted = options.parameters ? [...new Set(options.parameters)] : await listParameters(database);
    const { models, withoutModel } = await chooseModels(database, wanted, { required: options.parameters !== undefined });
    const settleSettings: SettleSettings = { jobPrefix: LOCAL_NAMES.jobPrefix, ...(options.plausibility ? { plausibility: options.plausibility } : {}) };

    const bus = new LocalEventBus();
    const tokens = new LocalTaskTokens();
    const parameters = new LocalParameterStore();
    const runtime: LocalRuntime = {
      database,
      location,
      s3,
      bucket,
      models,
      withoutModel,
      requestedParameters: options.parameters ? [...new Set(options.parameters)] : undefined,
      tokens,
      parameters,
      bus,
      logger,
      maxReadingsPerRun: options.maxReadingsPerRun ?? 2_000_000,
      groupSensors: options.groupSensors,
      live: { points: options.livePoints ?? DEFAULT_LIVE_POINTS, drift: options.drift ?? DEFAULT_DRIFT_RULE },
      quality: options.quality ?? {},
      maxConcurrency: options.maxConcurrency ?? 2,
      migrateMs,
      orphanedRuns: [],
      faults: new FaultPlan(),
      runs: new Map(),
      observe: () => undefined,
      sagemaker: undefined as unknown as LocalSageMaker, // set just below: the runner needs the runtime
      transformSettings: {
        jobPrefix: LOCAL_NAMES.jobPrefix,
        instanceType: 'ml.local',
        // As two instances would: the input goes in two objects, so every local run joins predictions back across objects, as a scaled-out job in the cloud does.
        instanceCount: 2,
        maxPayloadMb: 6,
        modelOf: async (parameter) => {
          const model = models.get(parameter)?.model;
          return model && transformModelFrom(localModelName(parameter), model);
        },
        ...(options.plausibility ? { plausibility: options.plausibility } : {}),
      },
      settleSettings,
      stop: stopAll,
    };
    const parameterOfModel = new Map([...models.keys()].map((parameter) => [localModelName(parameter), parameter]));
    // The chunk's run a job (named after the run) belongs to, for progress and faults.
    const parameterOfJob = (jobName: string): Partial<ChunkRun> => runtime.runs.get(runIdFromJobName(LOCAL_NAMES.jobPrefix, jobName) ?? '') ?? {};
    runtime.sagemaker = new LocalSageMaker(
      async (request, model) => {
        if (runtime.faults.take('transformJob', parameterOfModel.get(request.ModelName ?? ''))) {
          throw new TransformJobError('AlgorithmError: injected fault: the transform container exited with code 1');
        }
        return runTransformJob(s3.s3, request, model);
      },
      bus,
      (job: LocalTransformJob) =>
        runtime.observe({
          kind: 'transform',
          job: job.name,
          ...parameterOfJob(job.name),
          status: job.status,
          ms: (job.endedAt ?? Date.now()) - job.startedAt,
          rows: job.rows,
          reason: job.failureReason,
        }),
    );
    for (const [parameter, chosen] of models) runtime.sagemaker.registerModel(localModelName(parameter), chosen.model);
    // The sagemaker's background jobs must end before the database and S3 go away.
    stops.push(() => runtime.sagemaker.idle());

    if (options.closeOrphanedRuns ?? (!options.database && !options.databaseUrl)) {
      runtime.orphanedRuns = await closeOrphanedRuns(
        database,
        { sagemaker: runtime.sagemaker.client, tokens: { ssm: parameters.client, prefix: LOCAL_NAMES.ssmPrefix }, logger },
        { jobPrefix: LOCAL_NAMES.jobPrefix },
      );
      if (runtime.orphanedRuns.length) options.onProgress?.(`closed ${runtime.orphanedRuns.length} run(s) an interrupted earlier process had left open`);
    }

    const settleDeps = { bucket, tokens: { ssm: parameters.client, prefix: LOCAL_NAMES.ssmPrefix }, sfn: tokens.client, logger };
    bus.addRule({
      name: 'transform-callback',
      pattern: transformEventPattern(LOCAL_NAMES.jobPrefix) as never,
      retryDelayMs: options.callbackRetryDelayMs ?? 100,
      onDeliveryError: (error, attempt, event) =>
        runtime.observe({ kind: 'callback', attempt, ...parameterOfJob(jobNameOf(event)), error: (error as Error).name, cause: (error as Error).message }),
      target: async (event) => {
        const started = performance.now();
        const outcome: SettleOutcome = await runStep(logger, 'transform-callback', async () => {
          runtime.faults.crash('callback', 'the transform callback', parameterOfJob(jobNameOf(event)).parameter);
          return handleTransformEvent(settleDeps, settleSettings, event as unknown as TransformJobEvent);
        });
        runtime.observe({ kind: 'callback', attempt: 0, ...parameterOfJob(jobNameOf(event)), outcome: outcome.action, ms: performance.now() - started });
        return outcome;
      },
    });
    return runtime;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
