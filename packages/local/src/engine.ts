import '@airfill/workflow/promise-polyfill';
import { randomBytes } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { getRun } from '@airfill/db';
import { getText, planParameters, qualityCheck, queryMissing, recordFailure, runIdFor, runStep, startTransform, writePredictions } from '@airfill/pipeline';
import { alertNoticeSchema, chunkItemSchema, startTransformEventSchema, type PipelineInput, type PlanParametersResult } from '@airfill/schema';
import { buildPipelineDefinition, itemReaderStateName, lowerDistributedMaps, STATES } from '@airfill/workflow';
import { z } from 'zod';
import { droppingBeforeCommit, FaultPlan, type Fault } from './faults';
import type { ChunkRun, PipelineProgress } from './progress';
import { LOCAL_NAMES, type LocalRuntime } from './runtime';
import { ExecutionTimings, type ParameterRunResult, type StateTiming } from './timings';

/** Options of one execution. */
export interface ExecutionOptions {
  /**
   * The execution's input (as the schedule or the CLI passes it).
   * @default { trigger: 'local', parameters: the runtime's parameters, when it was given some }
   */
  input?: Partial<Pick<PipelineInput, 'trigger' | 'from' | 'to' | 'parameters'>>;
  /** Execution name; the run ids derive from it. @default a new unique name */
  name?: string;
  /** Faults to inject (tests). */
  faults?: readonly Fault[];
  /** Wait before each retry instead of the definition's backoff (tests). @default the definition's */
  retryIntervalMs?: number;
  /** How long the transform may take. @default 1800 */
  transformTimeoutSeconds?: number;
  /** Aborts the execution (Ctrl-C); its open runs are then recorded failed like any failed run. */
  signal?: AbortSignal;
  onProgress?: (event: PipelineProgress) => void;
}

/** How an execution ended. */
export interface ExecutionResult {
  executionId: string;
  status: 'succeeded' | 'failed';
  /** The execution's output when it succeeded. */
  output?: Record<string, unknown>;
  /** The error it failed with (what the Fail state reports). */
  error?: { name: string; cause: string };
  /** What it planned to fill (absent when planning itself failed). */
  plan?: PlanParametersResult;
  /** One per planned chunk, in the manifest's order (absent chunks: the Map never read the manifest). */
  runs: ParameterRunResult[];
  /** Its top-level states (plan, the Map, the outcome check). */
  states: StateTiming[];
  ms: number;
}

/**
 * An execution that ended without passing through RecordFailure (aborted,
 * or failed where no Catch applies) leaves runs open and their readings
 * claimed. The cloud has no hook for that; locally the engine knows, and
 * runs the real record-failure step for each, so the next run can start at once.
 */
async function closeOpenRuns(runtime: LocalRuntime, executionId: string, runs: readonly ChunkRun[], error: { name: string; cause: string }): Promise<void> {
  const tokens = { ssm: runtime.parameters.client, prefix: LOCAL_NAMES.ssmPrefix };
  for (const { parameter, chunk, runId } of runs) {
    const run = await getRun(runtime.database, runId).catch(() => undefined);
    if (run?.status !== 'running') continue;
    await runStep(runtime.logger, 'record-failure', () =>
      recordFailure(
        { database: runtime.database, sagemaker: runtime.sagemaker.client, tokens, logger: runtime.logger },
        { jobPrefix: runtime.transformSettings.jobPrefix },
        { executionId, parameter, chunk, error: { Error: error.name, Cause: error.cause } },
      ),
    );
  }
}

const FUNCTION_ARN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:airfill-local-${name}`;

/** The parameter of the chunk's run a handler's input belongs to (every Task inside the Map carries it). */
function parameterOf(input: unknown): string | undefined {
  const state = input as { parameter?: unknown; run?: { parameter?: unknown }; Payload?: { run?: { parameter?: unknown } } };
  const parameter = state.parameter ?? state.run?.parameter ?? state.Payload?.run?.parameter;
  return typeof parameter === 'string' ? parameter : undefined;
}

/** One engine run at a time per runtime: the faults and observers are the runtime's. */
const busy = new WeakSet<LocalRuntime>();

/** The chunk manifest as the Distributed Map reads it. */
const chunkManifestSchema = z.array(chunkItemSchema);

/**
 * Runs the pipeline state machine once, in aws-local-stepfunctions, with the
 * very definition the stacks deploy: the plan, then every planned chunk in a
 * run of its own (the Map, `runtime.maxConcurrency` at a time). The engine
 * runs Maps inline only: the Distributed Map reads its manifest in a Task
 * state put before it (`lowerDistributedMaps`), from the local S3. Each
 * Task runs the real step of its Lambda (with the Lambda's error naming, so
 * Retry and Catch see the names they see in the cloud). The start-transform
 * Task does what `.waitForTaskToken` does: a fresh token per attempt, the
 * real step, then waiting until the callback answers that token (the engine
 * itself does not implement the pattern). The transform runs as a background
 * job of the local SageMaker on the parameter's model and its state change
 * reaches the callback over the local event bus, as in the cloud.
 */
export async function runPipeline(runtime: LocalRuntime, options: ExecutionOptions = {}): Promise<ExecutionResult> {
  if (busy.has(runtime)) throw new Error('an execution is already running on this local runtime');
  busy.add(runtime);
  const started = performance.now();
  const name = options.name ?? `local-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  const executionId = `arn:aws:states:us-east-1:000000000000:execution:airfill-local:${name}`;
  const faults = new FaultPlan(options.faults);
  const report = options.onProgress ?? (() => undefined);
  const timings = new ExecutionTimings();
  let plan: PlanParametersResult | undefined;
  // The chunks' runs, in the manifest's order, once the Map has read it.
  let chunks: ChunkRun[] = [];
  runtime.faults = faults;
  runtime.runs = new Map();
  runtime.observe = (event) => {
    if (event.kind === 'transform') timings.transform(event.runId, event.ms);
    if (event.kind === 'callback' && event.ms !== undefined) timings.callback(event.runId, event.ms);
    report(event);
  };
  const issued: string[] = [];
  // Step work still running when the execution ends (an abort, a timeout) is waited for before the runs are closed.
  const inflight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inflight.add(work);
    void work.then(
      () => inflight.delete(work),
      () => inflight.delete(work),
    );
    return work;
  };
  try {
    const { database, bucket, logger } = runtime;
    const tokens = { ssm: runtime.parameters.client, prefix: LOCAL_NAMES.ssmPrefix };
    const awsDeps = { bucket, tokens, sfn: runtime.tokens.client, sagemaker: runtime.sagemaker.client, logger };
    const models = runtime.models;

    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {
      [STATES.qualityCheck]: (input) =>
        track(runStep(logger, 'quality-check', async () => {
          const result = await qualityCheck({ database, logger }, runtime.quality, input as never);
          faults.crash('qualityCheck', 'quality-check');
          return result;
        })),
      // The Map's task, once per alert: SNS in the cloud; here the progress events and the step log.
      [STATES.publishQualityAlert]: (input) =>
        runStep(logger, 'publish-quality-alert', async () => {
          faults.crash('publishAlert', 'the alert publish');
          const notice = alertNoticeSchema.parse({ subject: (input as { Subject?: unknown }).Subject, message: (input as { Message?: unknown }).Message });
          logger.warn('quality alert published', { topic: LOCAL_NAMES.alertTopicArn, subject: notice.subject });
          report({ kind: 'alert', ...notice });
          return { MessageId: randomBytes(8).toString('hex') };
        }),
      [STATES.planParameters]: (input) =>
        track(
          runStep(logger, 'plan-parameters', async () => {
            plan = await planParameters({ database, bucket, logger }, { modelled: [...models.keys()], chunkReadings: runtime.maxReadingsPerRun, ...(runtime.groupSensors === undefined ? {} : { groupSensors: runtime.groupSensors }) }, input as never);
            report({ kind: 'plan', parameters: plan.parameters, withoutModel: plan.withoutModel, chunks: plan.chunks.perParameter });
            return plan;
          }),
        ),
      // What the Distributed Map's ItemReader does in the cloud: read the manifest (a JSON array) from the bucket.
      [itemReaderStateName(STATES.fillChunks)]: (input) =>
        track(
          runStep(logger, 'read-chunk-manifest', async () => {
            // The bucket the definition names is the runtime's own: anything else is refused, not read.
            const { Key } = z.object({ Bucket: z.literal(bucket.name), Key: z.string().min(1) }).parse(input);
            const items = chunkManifestSchema.parse(JSON.parse(await getText(bucket, Key)));
            chunks = items.map(({ parameter, chunk }) => ({ parameter, chunk, runId: runIdFor(executionId, parameter, chunk) }));
            for (const run of chunks) runtime.runs.set(run.runId, run);
            return items;
          }),
        ),
      [STATES.queryMissing]: (input) =>
        track(
          runStep(logger, 'query-missing', async () => {
            const settings = { maxReadings: runtime.maxReadingsPerRun, livePoints: runtime.live.points, contractOf: async (parameter: string) => models.get(parameter)?.model.contract };
            const result = await queryMissing({ database, bucket, logger }, settings, input as never);
            faults.crash('queryMissing', 'query-missing', parameterOf(input));
            return result;
          }),
        ),
      [STATES.startTransform]: async (input) => {
        // The Lambda integration hands { FunctionName, Payload }; each attempt gets its own token, as in Step Functions.
        const waiting = runtime.tokens.issue();
        issued.push(waiting.token);
        try {
          await track(
            runStep(logger, 'start-transform', async () => {
              const payload = startTransformEventSchema.parse({ ...(input as { Payload: Record<string, unknown> }).Payload, taskToken: waiting.token });
              await startTransform(awsDeps, runtime.transformSettings, payload);
              faults.crash('startTransform', 'start-transform', parameterOf(input));
            }),
          );
        } catch (error) {
          runtime.tokens.expire(waiting.token);
          throw error;
        }
        return waiting.result;
      },
      [STATES.writePredictions]: (input) => {
        const writer = droppingBeforeCommit(database, () => faults.take('writePredictions', parameterOf(input)) !== undefined);
        return track(runStep(logger, 'write-predictions', () => writePredictions({ database: writer, bucket, logger }, input as never, { drift: runtime.live.drift })));
      },
      [STATES.recordFailure]: (input) =>
        runStep(logger, 'record-failure', () =>
          recordFailure({ database, sagemaker: runtime.sagemaker.client, tokens, logger }, { jobPrefix: runtime.transformSettings.jobPrefix }, input as never),
        ),
    };

    const built = buildPipelineDefinition({
      functions: {
        qualityCheck: FUNCTION_ARN('quality-check'),
        planParameters: FUNCTION_ARN('plan-parameters'),
        queryMissing: FUNCTION_ARN('query-missing'),
        startTransform: FUNCTION_ARN('start-transform'),
        writePredictions: FUNCTION_ARN('write-predictions'),
        recordFailure: FUNCTION_ARN('record-failure'),
      },
      chunkManifestBucket: bucket.name,
      transformTimeoutSeconds: options.transformTimeoutSeconds ?? 1800,
      alertTopicArn: LOCAL_NAMES.alertTopicArn,
      maxConcurrency: runtime.maxConcurrency,
    });
    const { definition } = lowerDistributedMaps(built);
    const machine = new StateMachine(JSON.parse(JSON.stringify(definition)) as never, { validationOptions: { checkArn: false } });
    const input = { trigger: 'local', ...(runtime.requestedParameters ? { parameters: [...runtime.requestedParameters] } : {}), ...options.input };
    const execution = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: handlers as never,
        ...(options.retryIntervalMs === undefined
          ? {}
          : { retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((state) => [state, options.retryIntervalMs!])) }),
      },
      // The engine has no task tokens; the start-transform override issues a real one per attempt.
      context: { Execution: { Id: executionId, Name: name }, Task: { Token: 'issued-per-attempt-by-the-override' } } as never,
    });

    const abort = () => execution.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    if (options.signal?.aborted) abort();

    const watch = (async () => {
      for await (const event of execution.eventLogs) {
        if (!('state' in event)) continue;
        const state = event.state.name;
        // Events of states inside the Map carry the item's index: the chunk's place in the manifest.
        const index = (event as { index?: number }).index;
        const run = index === undefined ? undefined : chunks[index];
        const at = { state, runId: run?.runId, timestamp: event.timestamp };
        if (event.type === 'StateEntered') {
          timings.state({ ...at, type: 'entered' });
          report({ kind: 'state', state, phase: 'entered', ...run });
        } else if (event.type === 'StateRetried') {
          timings.state({ ...at, type: 'retried' });
          report({ kind: 'state', state, phase: 'retried', attempt: event.retry.attempt, ...run });
        } else if (event.type === 'StateExited' || event.type === 'StateFailed' || event.type === 'StateCaught') {
          timings.state({ ...at, type: 'left' });
          const failure = 'Error' in event ? { error: String(event.Error), cause: String(event.Cause) } : {};
          const phase = event.type === 'StateExited' ? 'exited' : event.type === 'StateFailed' ? 'failed' : 'caught';
          report({ kind: 'state', state, phase, ...run, ...failure });
        }
      }
    })();

    const outcome = await execution.result.then(
      (output) => ({ status: 'succeeded' as const, output: output as Record<string, unknown> }),
      (error: Error) => {
        const cause = (error as { cause?: unknown }).cause;
        const failure = cause instanceof Error ? cause : error;
        return { status: 'failed' as const, error: { name: failure.name, cause: failure.message } };
      },
    );
    await watch.catch(() => undefined);
    options.signal?.removeEventListener('abort', abort);
    if (outcome.status === 'failed') {
      await Promise.allSettled([...inflight]);
      await closeOpenRuns(runtime, executionId, chunks, outcome.error);
    }
    return {
      executionId,
      ...outcome,
      ...(plan ? { plan } : {}),
      runs: timings.runs(chunks),
      states: timings.topLevel(),
      ms: performance.now() - started,
    };
  } finally {
    // A token of an ended execution is dead: a late callback gets TaskTimedOut, as in the cloud.
    for (const token of issued) runtime.tokens.expire(token);
    runtime.faults = new FaultPlan();
    runtime.observe = () => undefined;
    busy.delete(runtime);
  }
}
