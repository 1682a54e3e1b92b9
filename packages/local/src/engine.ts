import '@airfill/workflow/promise-polyfill';
import { randomBytes } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { getRun } from '@airfill/db';
import {
  qualityCheck,
  queryMissing,
  recordFailure,
  runIdForExecution,
  runStep,
  startTransform,
  writePredictions,
} from '@airfill/pipeline';
import { alertNoticeSchema, startTransformEventSchema } from '@airfill/schema';
import { buildPipelineDefinition, STATES } from '@airfill/workflow';
import { droppingBeforeCommit, FaultPlan, type Fault } from './faults';
import type { PipelineProgress } from './progress';
import { LOCAL_NAMES, type LocalRuntime } from './runtime';

/** Options of one execution. */
export interface ExecutionOptions {
  /** The execution's input (as the schedule or the CLI passes it). @default { trigger: 'local' } */
  input?: { trigger?: string; from?: string; to?: string };
  /** Execution name; the run id derives from it. @default a new unique name */
  name?: string;
  /** Faults to inject (tests). */
  faults?: readonly Fault[];
  /** Wait before each retry instead of the definition's backoff (tests). @default the definition's */
  retryIntervalMs?: number;
  /** How long the transform may take. @default 1800 */
  transformTimeoutSeconds?: number;
  /** Aborts the execution (Ctrl-C); the run is then recorded failed like any failed execution. */
  signal?: AbortSignal;
  onProgress?: (event: PipelineProgress) => void;
}

/** Time spent in one state, over all its attempts. */
export interface StateTiming {
  state: string;
  ms: number;
  attempts: number;
}

/** How an execution ended. */
export interface ExecutionResult {
  executionId: string;
  runId: string;
  status: 'succeeded' | 'failed';
  /** The execution's output when it succeeded. */
  output?: Record<string, unknown>;
  /** The error it failed with (what the Fail state reports). */
  error?: { name: string; cause: string };
  states: StateTiming[];
  /** The transform job's own time (scoring), when one ran. */
  transformMs?: number;
  /** The callback's time (validating the output, SendTask*), summed over deliveries. */
  callbackMs: number;
  ms: number;
}

/**
 * An execution that ended without passing through RecordFailure (aborted,
 * or failed where no Catch applies) leaves its run open and its readings
 * claimed. The cloud has no hook for that; locally the engine knows, and
 * runs the real record-failure step for it, so the next run can start at once.
 */
async function closeOpenRun(runtime: LocalRuntime, executionId: string, error: { name: string; cause: string }, tokens: { ssm: LocalRuntime['parameters']['client']; prefix: string }): Promise<void> {
  const run = await getRun(runtime.database, runIdForExecution(executionId)).catch(() => undefined);
  if (run?.status !== 'running') return;
  await runStep(runtime.logger, 'record-failure', () =>
    recordFailure(
      { database: runtime.database, sagemaker: runtime.sagemaker.client, tokens, logger: runtime.logger },
      { parameter: runtime.parameter, jobPrefix: runtime.transformSettings.jobPrefix },
      { executionId, error: { Error: error.name, Cause: error.cause } },
    ),
  );
}

const FUNCTION_ARN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:airfill-local-${name}`;

/** One engine run at a time per runtime: the faults and observers are the runtime's. */
const busy = new WeakSet<LocalRuntime>();

/**
 * Runs the pipeline state machine once, in aws-local-stepfunctions, with the
 * very definition the stacks deploy. Each Task runs the real step of its
 * Lambda (with the Lambda's error naming, so Retry and Catch see the names
 * they see in the cloud). The start-transform Task does what
 * `.waitForTaskToken` does: a fresh token per attempt, the real step, then
 * waiting until the callback answers that token (the engine itself does not
 * implement the pattern). The transform runs as a background job of the
 * local SageMaker and its state change reaches the callback over the local
 * event bus, as in the cloud.
 */
export async function runPipeline(runtime: LocalRuntime, options: ExecutionOptions = {}): Promise<ExecutionResult> {
  if (busy.has(runtime)) throw new Error('an execution is already running on this local runtime');
  busy.add(runtime);
  const started = performance.now();
  const name = options.name ?? `local-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  const executionId = `arn:aws:states:us-east-1:000000000000:execution:airfill-local:${name}`;
  const runId = runIdForExecution(executionId);
  const faults = new FaultPlan(options.faults);
  const report = options.onProgress ?? (() => undefined);
  let transformMs: number | undefined;
  let callbackMs = 0;
  runtime.faults = faults;
  runtime.observe = (event) => {
    if (event.kind === 'transform') transformMs = event.ms;
    if (event.kind === 'callback' && event.ms !== undefined) callbackMs += event.ms;
    report(event);
  };
  const issued: string[] = [];
  // Step work still running when the execution ends (an abort, a timeout) is waited for before the run is closed.
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
    const parameter = runtime.parameter;
    const writerDatabase = droppingBeforeCommit(database, () => faults.take('writePredictions') !== undefined);

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
      [STATES.queryMissing]: (input) =>
        track(runStep(logger, 'query-missing', async () => {
          const result = await queryMissing(
            { database, bucket, logger },
            { parameter, maxReadings: runtime.maxReadingsPerRun, contract: runtime.chosen.model.contract },
            input as never,
          );
          faults.crash('queryMissing', 'query-missing');
          return result;
        })),
      [STATES.startTransform]: async (input) => {
        // The Lambda integration hands { FunctionName, Payload }; each attempt gets its own token, as in Step Functions.
        const waiting = runtime.tokens.issue();
        issued.push(waiting.token);
        try {
          await track(
            runStep(logger, 'start-transform', async () => {
              const payload = startTransformEventSchema.parse({ ...(input as { Payload: Record<string, unknown> }).Payload, taskToken: waiting.token });
              await startTransform(awsDeps, runtime.transformSettings, payload);
              faults.crash('startTransform', 'start-transform');
            }),
          );
        } catch (error) {
          runtime.tokens.expire(waiting.token);
          throw error;
        }
        return waiting.result;
      },
      [STATES.writePredictions]: (input) =>
        track(runStep(logger, 'write-predictions', () => writePredictions({ database: writerDatabase, bucket, logger }, { parameter }, input as never))),
      [STATES.recordFailure]: (input) =>
        runStep(logger, 'record-failure', () =>
          recordFailure({ database, sagemaker: runtime.sagemaker.client, tokens, logger }, { parameter, jobPrefix: runtime.transformSettings.jobPrefix }, input as never),
        ),
    };

    const definition = buildPipelineDefinition({
      functions: {
        qualityCheck: FUNCTION_ARN('quality-check'),
        queryMissing: FUNCTION_ARN('query-missing'),
        startTransform: FUNCTION_ARN('start-transform'),
        writePredictions: FUNCTION_ARN('write-predictions'),
        recordFailure: FUNCTION_ARN('record-failure'),
      },
      transformTimeoutSeconds: options.transformTimeoutSeconds ?? 1800,
      alertTopicArn: LOCAL_NAMES.alertTopicArn,
    });
    const machine = new StateMachine(JSON.parse(JSON.stringify(definition)) as never, { validationOptions: { checkArn: false } });
    const execution = machine.run((options.input ?? { trigger: 'local' }) as never, {
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

    const timings = new Map<string, StateTiming & { enteredAt?: number }>();
    const watch = (async () => {
      for await (const event of execution.eventLogs) {
        if (!('state' in event)) continue;
        const state = event.state.name;
        const timing = timings.get(state) ?? { state, ms: 0, attempts: 0 };
        timings.set(state, timing);
        if (event.type === 'StateEntered') {
          timing.enteredAt = event.timestamp;
          timing.attempts += 1;
          report({ kind: 'state', state, phase: 'entered' });
        } else if (event.type === 'StateRetried') {
          timing.attempts += 1;
          report({ kind: 'state', state, phase: 'retried', attempt: event.retry.attempt });
        } else if (event.type === 'StateExited' || event.type === 'StateFailed' || event.type === 'StateCaught') {
          if (timing.enteredAt !== undefined) timing.ms += event.timestamp - timing.enteredAt;
          timing.enteredAt = undefined;
          const failure = 'Error' in event ? { error: String(event.Error), cause: String(event.Cause) } : {};
          report({ kind: 'state', state, phase: event.type === 'StateExited' ? 'exited' : event.type === 'StateFailed' ? 'failed' : 'caught', ...failure });
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
      await closeOpenRun(runtime, executionId, outcome.error, tokens);
    }
    return {
      executionId,
      runId,
      ...outcome,
      states: [...timings.values()].map(({ state, ms, attempts }) => ({ state, ms, attempts })),
      ...(transformMs === undefined ? {} : { transformMs }),
      callbackMs,
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
