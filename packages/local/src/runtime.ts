import path from 'node:path';
import { MIGRATIONS_FOLDER, openDatabase, type Database } from '@airfill/db';
import {
  createLogger,
  handleTransformEvent,
  migrate,
  runStep,
  type Bucket,
  type Logger,
  type QualityCheckSettings,
  type SettleOutcome,
  type StartTransformSettings,
} from '@airfill/pipeline';
import type { TransformJobEvent } from '@airfill/schema';
import { transformEventPattern } from '@airfill/workflow';
import { LocalEventBus } from './control-plane/event-bus';
import { LocalParameterStore } from './control-plane/parameter-store';
import { LocalSageMaker, type LocalTransformJob } from './control-plane/sagemaker';
import { LocalTaskTokens } from './control-plane/task-tokens';
import { FaultPlan } from './faults';
import { startLocalS3, type LocalS3 } from '@airfill/pipeline/local-s3';
import { closeOrphanedRuns } from './orphaned-runs';
import { chooseModel, type ChosenModel } from './model-choice';
import type { PipelineProgress } from './progress';
import { runTransformJob, TransformJobError } from './transform-job';

/** Names the local runtime gives what the stacks name in the cloud. */
export const LOCAL_NAMES = {
  bucket: 'airfill-local',
  jobPrefix: 'airfill-local-',
  ssmPrefix: '/airfill/local/jobs',
  modelName: 'airfill-local-model',
  /** The alarm topic the definition publishes quality alerts to; locally they go to the progress events and the step log. */
  alertTopicArn: 'arn:aws:sns:us-east-1:000000000000:airfill-local-alarms',
} as const;

/** Options of {@link startLocalRuntime}. */
export interface LocalRuntimeOptions {
  /** The parameter to fill. */
  parameter: string;
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
  /** Quality control's settings and the plausibility ranges (the Lambda's AIRFILL_QUALITY_CONFIG and AIRFILL_PLAUSIBILITY). @default the defaults */
  quality?: QualityCheckSettings;
  /** Where the steps' JSON log lines go (CloudWatch Logs in the cloud). @default discarded */
  log?: (line: string) => void;
  /** Progress of starting up ("starting embedded PostgreSQL ..."). */
  onProgress?: (message: string) => void;
  /** Wait before the event bus retries a failed callback. @default 100 */
  callbackRetryDelayMs?: number;
  /**
   * Runs once the database is migrated, before the model is chosen: loading
   * the input, and checking the parameter is one the data has (a typo is
   * then named with the parameters that exist, not as a missing model).
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
  chosen: ChosenModel;
  sagemaker: LocalSageMaker;
  tokens: LocalTaskTokens;
  parameters: LocalParameterStore;
  bus: LocalEventBus;
  logger: Logger;
  parameter: string;
  maxReadingsPerRun: number;
  /** quality-check's settings, as the Lambda environment gives them in the cloud. */
  quality: QualityCheckSettings;
  /** start-transform's settings, as the Lambda environment gives them in the cloud. */
  transformSettings: StartTransformSettings;
  /** How long migrate took. */
  migrateMs: number;
  /** Runs an earlier, interrupted process had left open, closed at start. */
  orphanedRuns: string[];
  /** Faults of the execution under way (set by the engine). */
  faults: FaultPlan;
  /** Told about transform jobs and callbacks of the execution under way (set by the engine). */
  observe: (event: PipelineProgress) => void;
  stop(): Promise<void>;
}

/**
 * Starts the local runtime: PostgreSQL (given, at a URL, or embedded),
 * s3rver with the pipeline bucket, migrations through the real migrate
 * step, the model (current in the registry, else the committed default),
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
    const chosen = await chooseModel(database, options.parameter);

    const bus = new LocalEventBus();
    const tokens = new LocalTaskTokens();
    const parameters = new LocalParameterStore();
    const runtime: LocalRuntime = {
      database,
      location,
      s3,
      bucket,
      chosen,
      tokens,
      parameters,
      bus,
      logger,
      parameter: options.parameter,
      maxReadingsPerRun: options.maxReadingsPerRun ?? 2_000_000,
      quality: options.quality ?? {},
      migrateMs,
      orphanedRuns: [],
      faults: new FaultPlan(),
      observe: () => undefined,
      sagemaker: undefined as unknown as LocalSageMaker, // set just below: the runner needs the runtime
      transformSettings: {
        parameter: options.parameter,
        jobPrefix: LOCAL_NAMES.jobPrefix,
        modelName: LOCAL_NAMES.modelName,
        modelVersion: chosen.model.version,
        instanceType: 'ml.local',
        instanceCount: 1,
        maxPayloadMb: 6,
        model: { version: chosen.model.version, contract: chosen.model.contract, calibration: chosen.model.calibration },
      },
      stop: stopAll,
    };
    runtime.sagemaker = new LocalSageMaker(
      async (request, model) => {
        if (runtime.faults.take('transformJob')) throw new TransformJobError('AlgorithmError: injected fault: the transform container exited with code 1');
        return runTransformJob(s3.s3, request, model);
      },
      bus,
      (job: LocalTransformJob) =>
        runtime.observe({ kind: 'transform', job: job.name, status: job.status, ms: (job.endedAt ?? Date.now()) - job.startedAt, rows: job.rows, reason: job.failureReason }),
    );
    runtime.sagemaker.registerModel(LOCAL_NAMES.modelName, chosen.model);
    // The sagemaker's background jobs must end before the database and S3 go away.
    stops.push(() => runtime.sagemaker.idle());

    if (options.closeOrphanedRuns ?? (!options.database && !options.databaseUrl)) {
      runtime.orphanedRuns = await closeOrphanedRuns(
        database,
        { sagemaker: runtime.sagemaker.client, tokens: { ssm: parameters.client, prefix: LOCAL_NAMES.ssmPrefix }, logger },
        { parameter: options.parameter, jobPrefix: LOCAL_NAMES.jobPrefix },
      );
      if (runtime.orphanedRuns.length) options.onProgress?.(`closed ${runtime.orphanedRuns.length} run(s) an interrupted earlier process had left open`);
    }

    const settleDeps = { bucket, tokens: { ssm: parameters.client, prefix: LOCAL_NAMES.ssmPrefix }, sfn: tokens.client, logger };
    bus.addRule({
      name: 'transform-callback',
      pattern: transformEventPattern(LOCAL_NAMES.jobPrefix) as never,
      retryDelayMs: options.callbackRetryDelayMs ?? 100,
      onDeliveryError: (error, attempt) => runtime.observe({ kind: 'callback', attempt, error: (error as Error).name, cause: (error as Error).message }),
      target: async (event) => {
        const started = performance.now();
        const outcome: SettleOutcome = await runStep(logger, 'transform-callback', async () => {
          runtime.faults.crash('callback', 'the transform callback');
          return handleTransformEvent(settleDeps, { jobPrefix: LOCAL_NAMES.jobPrefix, parameter: options.parameter }, event as unknown as TransformJobEvent);
        });
        runtime.observe({ kind: 'callback', attempt: 0, outcome: outcome.action, ms: performance.now() - started });
        return outcome;
      },
    });
    return runtime;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
