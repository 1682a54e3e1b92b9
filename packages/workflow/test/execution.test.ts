/**
 * Runs the real definition in aws-local-stepfunctions with the Lambdas
 * replaced by local functions, to check the paths: nothing to fill, the happy
 * path for every chunk of every parameter, a retried transient error, a
 * failure that is recorded for its chunk while the others carry on, a failed
 * quality check and a failed plan. The engine has no Distributed Map: the
 * definition runs lowered (`lowerDistributedMaps`), its manifest read by a
 * stand-in for the ItemReader.
 */
import { buildPipelineDefinition, itemReaderStateName, lowerDistributedMaps, PARAMETERS_FAILED_ERROR, STATES } from '../src';
import { runDefinition, type Handler } from './support/run-definition';

const BUCKET = 'airfill-test-data';

const { definition } = lowerDistributedMaps(buildPipelineDefinition({
  functions: {
    qualityCheck: 'arn:aws:lambda:eu-west-1:123456789012:function:c',
    planParameters: 'arn:aws:lambda:eu-west-1:123456789012:function:p',
    queryMissing: 'arn:aws:lambda:eu-west-1:123456789012:function:q',
    startTransform: 'arn:aws:lambda:eu-west-1:123456789012:function:s',
    writePredictions: 'arn:aws:lambda:eu-west-1:123456789012:function:w',
    recordFailure: 'arn:aws:lambda:eu-west-1:123456789012:function:r',
  },
  chunkManifestBucket: BUCKET,
  transformTimeoutSeconds: 600,
}));

const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:airfill:exec-1';

/** An error as a Lambda reports it: Step Functions matches on `name`. */
function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

const qualityChecked: Handler = async () => ({ runId: 'r1', invalid: 2, alertsRaised: 0 });

/** A chunk of the manifest: `chunks` per parameter, the newest live, each with its own window. */
const chunkItems = (parameters: readonly string[], input: Record<string, unknown>, chunks = 1) =>
  parameters.flatMap((parameter) =>
    Array.from({ length: chunks }, (_, chunk) => ({ parameter, chunk, live: chunk === chunks - 1, input: { ...input, ...(chunks > 1 ? { from: `2026-0${chunk + 1}-01T00:00:00.000Z` } : {}) } })),
  );

/**
 * Plans the given parameters, as plan-parameters would: the execution input
 * for every run, without quality-check's result, and the manifest's key; the
 * manifest itself is what the ItemReader's stand-in then reads.
 */
const plan = (parameters: string[], withoutModel: string[] = [], chunks = 1): Record<string, Handler> => {
  let manifest: unknown[] = [];
  return {
    [STATES.planParameters]: async (input) => {
      const { quality: _quality, ...executionInput } = (input as { input: Record<string, unknown> }).input;
      manifest = chunkItems(parameters, executionInput, chunks);
      const perParameter = Object.fromEntries(parameters.map((parameter) => [parameter, chunks]));
      return { parameters, withoutModel, input: executionInput, chunks: { key: 'retrieved_from_db/e/chunks.json', count: manifest.length, perParameter } };
    },
    [itemReaderStateName(STATES.fillChunks)]: async (input) => {
      expect(input).toEqual({ Bucket: BUCKET, Key: 'retrieved_from_db/e/chunks.json' });
      return manifest;
    },
  };
};

async function run(overrides: Record<string, Handler>) {
  const handlers: Record<string, Handler> = { [STATES.qualityCheck]: qualityChecked, ...overrides };
  // The engine has no task tokens: the context supplies one for `$$.Task.Token`.
  const { outcome, calls } = await runDefinition(definition, { trigger: 'test' }, handlers, { Execution: { Id: EXECUTION }, Task: { Token: 'local-token' } });
  const of = (state: string) => calls.filter((call) => call.state === state);
  return { outcome, calls, of };
}

/** query-missing's answer for the chunk it was asked about (`probes`: values hidden for the live check). */
const queryFound = (found: number | ((parameter: string) => number), probes = 0): Handler => async (input) => {
  const { executionId, parameter, chunk } = input as { executionId: string; parameter: string; chunk: number };
  return { executionId, runId: `run-${parameter}-${chunk}`, parameter, chunk, found: typeof found === 'number' ? found : found(parameter), probes, keys: { missing: 'm', context: 'c' } };
};

describe('the pipeline definition in the local engine', () => {
  it('succeeds without starting a transform when no parameter has anything missing', async () => {
    const { outcome, of } = await run({ ...plan(['PM 2.5', 'NO2']), [STATES.queryMissing]: queryFound(0) });
    expect(outcome).toEqual({ ok: true, output: expect.objectContaining({ outcomes: ['succeeded', 'succeeded'] }) });
    expect(of(STATES.queryMissing)).toHaveLength(2);
    expect(of(STATES.startTransform)).toHaveLength(0);
  });

  it('still transforms and writes when nothing is missing but the live check hid values to predict', async () => {
    const { outcome, of } = await run({
      ...plan(['PM 2.5']),
      [STATES.queryMissing]: queryFound(0, 40),
      [STATES.startTransform]: async () => ({ jobName: 'job', predicted: 0 }),
      [STATES.writePredictions]: async () => ({ written: 0 }),
    });
    expect(outcome).toEqual({ ok: true, output: expect.objectContaining({ outcomes: ['succeeded'] }) });
    expect(of(STATES.startTransform)).toHaveLength(1);
    expect(of(STATES.writePredictions)).toHaveLength(1);
  });

  it('succeeds at once when the plan holds no parameter', async () => {
    const { outcome, calls } = await run({ ...plan([], ['humidity']) });
    expect(outcome).toEqual({ ok: true, output: expect.objectContaining({ plan: expect.objectContaining({ withoutModel: ['humidity'] }), outcomes: [] }) });
    expect(calls.map((call) => call.state)).toEqual([STATES.qualityCheck, STATES.planParameters, itemReaderStateName(STATES.fillChunks)]);
  });

  it('runs query -> transform -> write for every planned parameter and hands each step what the previous one returned', async () => {
    const { outcome, of } = await run({
      ...plan(['PM 2.5', 'PM 10', 'NO2']),
      [STATES.queryMissing]: queryFound(3),
      [STATES.startTransform]: async (input) => ({ jobName: `job-${(input as { Payload: { run: { parameter: string } } }).Payload.run.parameter}`, predicted: 3 }),
      [STATES.writePredictions]: async () => ({ written: 3 }),
    });
    expect(outcome).toMatchObject({ ok: true, output: { outcomes: ['succeeded', 'succeeded', 'succeeded'] } });
    expect(of(STATES.qualityCheck)[0]?.input).toEqual({ executionId: EXECUTION, input: { trigger: 'test' } });
    // The plan gets the execution input, with quality-check's result beside it.
    expect(of(STATES.planParameters)[0]?.input).toEqual({ executionId: EXECUTION, input: { trigger: 'test', quality: { runId: 'r1', invalid: 2, alertsRaised: 0 } } });
    expect(of(STATES.queryMissing).map((call) => call.input)).toEqual(
      expect.arrayContaining(['PM 2.5', 'PM 10', 'NO2'].map((parameter) => ({ executionId: EXECUTION, parameter, chunk: 0, live: true, input: { trigger: 'test' } }))),
    );
    expect(of(STATES.queryMissing)).toHaveLength(3);
    expect(of(STATES.startTransform)[0]?.input).toMatchObject({ Payload: { run: { found: 3 }, executionId: EXECUTION, taskToken: 'local-token' } });
    expect(of(STATES.writePredictions).map((call) => (call.input as { run: { parameter: string; transform: { jobName: string } } }).run)).toEqual(
      expect.arrayContaining(['PM 2.5', 'PM 10', 'NO2'].map((parameter) => expect.objectContaining({ parameter, transform: expect.objectContaining({ jobName: `job-${parameter}` }) }))),
    );
  });

  it("fills every chunk of every parameter in a run of its own, each query-missing given its chunk's window, the parent execution's id through to the write", async () => {
    const { outcome, of } = await run({
      ...plan(['PM 2.5', 'NO2'], [], 3),
      [STATES.queryMissing]: queryFound(5),
      [STATES.startTransform]: async () => ({ jobName: 'j', predicted: 5 }),
      [STATES.writePredictions]: async () => ({ written: 5 }),
    });
    expect(outcome).toMatchObject({ ok: true, output: { outcomes: Array(6).fill('succeeded') } });
    const asked = of(STATES.queryMissing).map((call) => call.input as { parameter: string; chunk: number; live: boolean; input: { from?: string } });
    expect(asked.map(({ parameter, chunk, live, input }) => `${parameter}/${chunk}/${live}/${input.from}`).sort()).toEqual([
      'NO2/0/false/2026-01-01T00:00:00.000Z',
      'NO2/1/false/2026-02-01T00:00:00.000Z',
      'NO2/2/true/2026-03-01T00:00:00.000Z',
      'PM 2.5/0/false/2026-01-01T00:00:00.000Z',
      'PM 2.5/1/false/2026-02-01T00:00:00.000Z',
      'PM 2.5/2/true/2026-03-01T00:00:00.000Z',
    ]);
    expect(of(STATES.writePredictions)).toHaveLength(6);
    for (const call of of(STATES.writePredictions)) expect(call.input).toMatchObject({ executionId: EXECUTION, run: { executionId: EXECUTION } });
  });

  it('retries a transient error and then carries on', async () => {
    let attempts = 0;
    const { outcome } = await run({
      ...plan(['PM 2.5']),
      [STATES.queryMissing]: async (input) => {
        attempts += 1;
        if (attempts < 3) throw named('TransientError', 'connection reset');
        return queryFound(0)(input);
      },
    });
    expect(outcome.ok).toBe(true);
    expect(attempts).toBe(3);
  });

  it("records one parameter's permanent failure for that parameter, fills the others, then fails the execution naming the outcomes", async () => {
    const { outcome, of } = await run({
      ...plan(['PM 2.5', 'NO2', 'O3']),
      [STATES.queryMissing]: queryFound(2),
      [STATES.startTransform]: async (input) => {
        if ((input as { Payload: { run: { parameter: string } } }).Payload.run.parameter === 'NO2') throw named('OutputValidationError', 'id 7 missing from the output');
        return { jobName: 'j', predicted: 2 };
      },
      [STATES.writePredictions]: async () => ({ written: 2 }),
      [STATES.recordFailure]: async () => ({ recorded: true }),
    });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error.name).toBe(PARAMETERS_FAILED_ERROR);
    expect(!outcome.ok && outcome.error.message).toContain('parameters ["PM 2.5","NO2","O3"], 3 chunks, outcomes in manifest order ["succeeded","failed","succeeded"]');
    expect(of(STATES.writePredictions).map((call) => (call.input as { run: { parameter: string } }).run.parameter).sort()).toEqual(['O3', 'PM 2.5']);
    expect(of(STATES.recordFailure).map((call) => call.input)).toEqual([
      { executionId: EXECUTION, parameter: 'NO2', chunk: 0, error: { Error: 'OutputValidationError', Cause: expect.stringContaining('id 7 missing') } },
    ]);
  });

  it("still counts a parameter as failed when recording its failure fails too, and carries on with the others", async () => {
    const { outcome, of } = await run({
      ...plan(['PM 2.5', 'NO2']),
      [STATES.queryMissing]: async (input) => {
        if ((input as { parameter: string }).parameter === 'PM 2.5') throw named('InputError', 'bad trigger');
        return queryFound(0)(input);
      },
      [STATES.recordFailure]: async () => {
        throw named('InputError', 'ledger refused');
      },
    });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error.name).toBe(PARAMETERS_FAILED_ERROR);
    expect(of(STATES.queryMissing)).toHaveLength(2);
    expect(of(STATES.recordFailure)).toHaveLength(1);
  });

  it('fails the execution with the original error when planning fails, before any run is opened', async () => {
    const { outcome, calls } = await run({
      [STATES.planParameters]: async () => {
        throw named('InputError', 'no readings of "PM25" are stored');
      },
    });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && [outcome.error.name, outcome.error.message]).toEqual(['InputError', 'no readings of "PM25" are stored']);
    expect(calls.map((call) => call.state)).toEqual([STATES.qualityCheck, STATES.planParameters]);
  });

  it('retries a transient quality-check failure, and fails the execution on a permanent one before planning or filling anything', async () => {
    let attempts = 0;
    const retried = await run({
      [STATES.qualityCheck]: async () => {
        attempts += 1;
        if (attempts < 2) throw named('DatabaseUnavailableError', 'failover');
        return { runId: 'r1' };
      },
      ...plan(['PM 2.5']),
      [STATES.queryMissing]: queryFound(0),
    });
    expect(retried.outcome.ok).toBe(true);
    expect(attempts).toBe(2);
    const { outcome, calls } = await run({
      [STATES.qualityCheck]: async () => {
        throw named('InputError', 'invalid quality-control settings');
      },
      ...plan(['PM 2.5']),
    });
    expect(!outcome.ok && [outcome.error.name, outcome.error.message]).toEqual(['InputError', 'invalid quality-control settings']);
    expect(calls.map((call) => call.state)).toEqual([STATES.qualityCheck]);
  });
});
