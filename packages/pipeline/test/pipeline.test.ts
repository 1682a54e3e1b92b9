/**
 * The whole pipeline: the real state machine definition in
 * aws-local-stepfunctions, every Task running the real step function against
 * PostgreSQL and s3rver; SageMaker's batch transform is the local transform
 * with the default model, and its state-change event goes to the real callback.
 */
import '@airfill/workflow/promise-polyfill';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { StateMachine } from 'aws-local-stepfunctions';
import { getRun, listRefusals } from '@airfill/db';
import { buildPipelineDefinition, itemReaderStateName, lowerDistributedMaps, STATES } from '@airfill/workflow';
import type { StartTransformEvent } from '@airfill/schema';
import {
  getText,
  handleTransformEvent,
  planParameters,
  queryMissing,
  recordFailure,
  runIdFor,
  startTransform,
  TransientError,
  writePredictions,
  qualityCheck,
  type Bucket,
} from '../src';
import { captureLogs } from './support/logs';
import { awsDeps, executionArn, JOB_PREFIX, querySettings, SSM_PREFIX, transformSettings, useFixture, type Fixture } from './support/fixture';
import { runLocalTransform } from './support/local-transform';
import { countRows, PARAMETER, unfilled } from './support/seed';

let fixture: Fixture;
useFixture((opened) => (fixture = opened), ['imputations', 'claims']);

/** The one bucket of these executions: the definition names it, as the stacks name the data bucket. */
const MANIFEST_BUCKET = 'airfill-pipeline-test';

/** The definition as the local engine runs it: the Distributed Map's manifest read by a Task before it (see the handler below). */
const { definition } = lowerDistributedMaps(buildPipelineDefinition({
  functions: {
    qualityCheck: 'arn:aws:lambda:eu-west-1:123456789012:function:quality-check',
    planParameters: 'arn:aws:lambda:eu-west-1:123456789012:function:plan-parameters',
    queryMissing: 'arn:aws:lambda:eu-west-1:123456789012:function:query-missing',
    startTransform: 'arn:aws:lambda:eu-west-1:123456789012:function:start-transform',
    writePredictions: 'arn:aws:lambda:eu-west-1:123456789012:function:write-predictions',
    recordFailure: 'arn:aws:lambda:eu-west-1:123456789012:function:record-failure',
  },
  chunkManifestBucket: MANIFEST_BUCKET,
  transformTimeoutSeconds: 3600,
}));

type Step = (input: unknown) => Promise<unknown>;

/** Runs `step` fully, then fails the first `times` calls anyway: a crash after the work, before the reply. */
function crashingAfterWork(step: Step, times = 1): Step {
  let crashes = 0;
  return async (input) => {
    const result = await step(input);
    if (crashes++ < times) throw new TransientError('the Lambda died after doing its work');
    return result;
  };
}

/** What Step Functions received for a token (success output or failure), as the waiting Task ends. */
function outcomeOfToken(token: string): unknown {
  const success = fixture.aws.sfn.commandCalls(SendTaskSuccessCommand).find((call) => call.args[0].input.taskToken === token);
  if (success) return JSON.parse(success.args[0].input.output!);
  const failure = fixture.aws.sfn.commandCalls(SendTaskFailureCommand).find((call) => call.args[0].input.taskToken === token);
  if (failure) throw Object.assign(new Error(failure.args[0].input.cause), { name: failure.args[0].input.error });
  throw new Error(`token ${token} was never sent back`);
}

interface Faults {
  crash?: Partial<Record<'qualityCheck' | 'queryMissing' | 'startTransform' | 'writePredictions', number>>;
  tamper?: (lines: string[]) => string[];
  duplicateEvents?: boolean;
  /** Most missing readings per chunk. @default 100 (one chunk) */
  chunkReadings?: number;
}

async function execute(name: string, faults: Faults = {}) {
  const bucket: Bucket = await fixture.local.bucket(MANIFEST_BUCKET);
  const { logger, lines } = captureLogs();
  const deps = awsDeps(fixture, bucket, logger);
  const settle = { jobPrefix: JOB_PREFIX };
  const executionId = executionArn(name);
  let attempt = 0;

  const steps: Record<string, Step> = {
    [STATES.qualityCheck]: (input) => qualityCheck({ database: fixture.database, logger }, {}, input as never),
    // The seed stores PM 2.5 and Temperature; only PM 2.5 has a model.
    [STATES.planParameters]: (input) => planParameters({ database: fixture.database, bucket, logger }, { modelled: [PARAMETER], chunkReadings: faults.chunkReadings ?? 100 }, input as never),
    // What the Distributed Map's ItemReader does: the manifest plan-parameters wrote, read from S3.
    [itemReaderStateName(STATES.fillChunks)]: async (input) => {
      const { Bucket, Key } = input as { Bucket: string; Key: string };
      return JSON.parse(await getText({ ...bucket, name: Bucket }, Key));
    },
    [STATES.queryMissing]: (input) => queryMissing({ database: fixture.database, bucket, logger }, querySettings(fixture), input as never),
    // The Lambda integration hands { FunctionName, Payload }; the engine has no tokens, so each attempt makes one.
    [STATES.startTransform]: async (input) => {
      attempt += 1;
      const payload = { ...(input as { Payload: StartTransformEvent }).Payload, taskToken: `token-${name}-${attempt}` };
      await startTransform(deps, transformSettings(fixture), payload);
      return payload.taskToken;
    },
    [STATES.writePredictions]: (input) => writePredictions({ database: fixture.database, bucket, logger }, input as never),
    [STATES.recordFailure]: (input) =>
      recordFailure({ database: fixture.database, sagemaker: fixture.aws.clients.sagemaker, tokens: deps.tokens, logger }, settle, input as never),
  };
  for (const [step, times] of Object.entries(faults.crash ?? {})) {
    const state = STATES[step as keyof typeof STATES];
    steps[state] = crashingAfterWork(steps[state]!, times);
  }
  const startStep = steps[STATES.startTransform]!;
  // SageMaker runs the job and EventBridge delivers its state change to the callback (twice, if asked).
  steps[STATES.startTransform] = async (input) => {
    const token = (await startStep(input)) as string;
    const { runId } = (input as { Payload: StartTransformEvent }).Payload.run;
    const jobName = `${JOB_PREFIX}${runId}`;
    const job = fixture.aws.jobs.get(jobName);
    if (job?.status === 'InProgress') {
      await runLocalTransform(bucket, runId, fixture.model, faults.tamper);
      job.status = 'Completed';
      const event = {
        source: 'aws.sagemaker' as const,
        'detail-type': 'SageMaker Transform Job State Change' as const,
        detail: { TransformJobName: jobName, TransformJobStatus: 'Completed' },
      };
      await handleTransformEvent(deps, settle, event);
      if (faults.duplicateEvents) await handleTransformEvent(deps, settle, event);
    }
    return outcomeOfToken(token) as never;
  };

  const machine = new StateMachine(JSON.parse(JSON.stringify(definition)));
  const run = machine.run(
    { trigger: 'test' },
    {
      overrides: {
        taskResourceLocalHandlers: steps as never,
        retryIntervalOverrides: Object.fromEntries(Object.keys(steps).map((state) => [state, 0])),
      },
      context: { Execution: { Id: executionId }, Task: { Token: 'replaced-per-attempt' } } as never,
    },
  );
  const outcome = await run.result.then(
    (output) => ({ ok: true as const, output: output as Record<string, unknown> }),
    (error: Error) => ({ ok: false as const, error: (error.cause as Error | undefined) ?? error }),
  );
  return { outcome, runId: runIdFor(executionId, PARAMETER), logs: lines };
}

describe('the pipeline, end to end in the local engine', () => {
  it('fills every missing reading, closes the run, and a second execution has nothing to fill', async () => {
    const { outcome, runId, logs } = await execute('p1');
    expect(outcome).toMatchObject({ ok: true, output: { plan: { parameters: [PARAMETER], withoutModel: ['Temperature'] }, outcomes: ['succeeded'] } });
    expect(await getRun(fixture.database, runId)).toMatchObject({ parameter: PARAMETER, executionId: executionArn('p1') });
    expect(await unfilled(fixture.database)).toBe(0);
    expect(await getRun(fixture.database, runId)).toMatchObject({ status: 'succeeded', found: 5, predicted: 5, written: 5 });
    expect(logs.filter((line) => line.runId === runId).map((line) => line.message)).toEqual(
      expect.arrayContaining(['claimed missing readings', 'transform job created', 'transform settled', 'predictions written']),
    );
    const next = await execute('p1-next');
    expect(next.outcome).toMatchObject({ ok: true, output: { outcomes: ['succeeded'] } });
    expect(await getRun(fixture.database, next.runId)).toMatchObject({ status: 'succeeded', found: 0 });
  });

  it('fills a parameter in chunks, each a run of its own claiming its window, and nothing is left or written twice', async () => {
    // Chunks of 2: the 5 missing readings (hours 10-13 of March 1st, 06 of March 2nd) make 3 windows.
    const executionId = executionArn('p-chunks');
    const { outcome } = await execute('p-chunks', { chunkReadings: 2 });
    expect(outcome).toMatchObject({ ok: true, output: { plan: { chunks: { count: 3, perParameter: { [PARAMETER]: 3 } } }, outcomes: ['succeeded', 'succeeded', 'succeeded'] } });
    const runs = await Promise.all([0, 1, 2].map((chunk) => getRun(fixture.database, runIdFor(executionId, PARAMETER, chunk))));
    expect(runs.map((run) => [run.status, run.found, run.written])).toEqual([
      ['succeeded', 2, 2],
      ['succeeded', 2, 2],
      ['succeeded', 1, 1],
    ]);
    expect(await unfilled(fixture.database)).toBe(0);
    expect(await countRows(fixture.database, 'imputations')).toBe(5);
    // One transform job per chunk's run.
    expect(runs.map((run) => fixture.aws.jobs.get(`${JOB_PREFIX}${run.runId}`)?.status)).toEqual(['Completed', 'Completed', 'Completed']);
  });

  it('after a crash in a chunk, its retry fills it and nothing is written twice', async () => {
    const { outcome } = await execute('p-chunks-crash', { chunkReadings: 2, crash: { startTransform: 1, writePredictions: 2 } });
    expect(outcome).toMatchObject({ ok: true, output: { outcomes: ['succeeded', 'succeeded', 'succeeded'] } });
    expect(await unfilled(fixture.database)).toBe(0);
    expect(await countRows(fixture.database, 'imputations')).toBe(5);
  });

  it.each([['qualityCheck'], ['queryMissing'], ['startTransform'], ['writePredictions']] as const)(
    'after a crash in %s and the retry, nothing is lost and nothing is written twice',
    async (step) => {
      const { outcome, runId } = await execute(`p2-${step}`, { crash: { [step]: 1 } });
      expect(outcome.ok).toBe(true);
      expect(await unfilled(fixture.database)).toBe(0);
      expect(await countRows(fixture.database, 'imputations')).toBe(5);
      expect(await getRun(fixture.database, runId)).toMatchObject({ status: 'succeeded', found: 5, written: 5 });
      expect([...fixture.aws.jobs.keys()].filter((job) => job.endsWith(runId))).toHaveLength(1);
    },
  );

  it('takes a duplicate callback event in its stride', async () => {
    const { outcome } = await execute('p3', { duplicateEvents: true });
    expect(outcome.ok).toBe(true);
    expect(await countRows(fixture.database, 'imputations')).toBe(5);
  });

  it('writes every plausible prediction when one is implausible, records the refused one by reading, and the run succeeds', async () => {
    // The first row's model output is far below anything PM 2.5 can be (a sensor writing -999 did that to its features).
    const { outcome, runId } = await execute('p5', { tamper: (lines) => lines.map((line, index) => (index === 0 ? line.replace(/,.*$/, ',-948.4') : line)) });
    expect(outcome).toMatchObject({ ok: true, output: { outcomes: ['succeeded'] } });
    expect(await getRun(fixture.database, runId)).toMatchObject({ status: 'succeeded', found: 5, predicted: 4, written: 4, refused: 1 });
    expect(await listRefusals(fixture.database, runId)).toEqual([
      { deviceId: 'b', parameter: PARAMETER, ts: new Date('2024-03-01T10:00:00.000Z'), value: expect.any(Number), reason: expect.stringMatching(/outside the plausible range/) },
    ]);
    expect(await unfilled(fixture.database)).toBe(1);
    expect(await countRows(fixture.database, 'claims')).toBe(0);
  });

  it('fails the execution on a broken transform output, records it, frees the readings, and the next execution fills them', async () => {
    // An id missing from the output: it cannot be joined to its input, so none of it is trusted.
    const { outcome, runId } = await execute('p4', { tamper: (lines) => lines.slice(1) });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error.name).toBe('ParametersFailed');
    expect(await getRun(fixture.database, runId)).toMatchObject({ status: 'failed', error: { name: 'OutputValidationError' } });
    expect(await countRows(fixture.database, 'claims')).toBe(0);
    expect(await countRows(fixture.database, 'imputations')).toBe(0);
    expect(fixture.aws.parameters.has(`${SSM_PREFIX}/${JOB_PREFIX}${runId}`)).toBe(false);

    const next = await execute('p4-next');
    expect(next.outcome.ok).toBe(true);
    expect(await unfilled(fixture.database)).toBe(0);
  });
});
