/**
 * Runs the real definition in aws-local-stepfunctions with the Lambdas
 * replaced by local functions, to check the paths: nothing to fill, the happy
 * path, a retried transient error, and a failure that is recorded and then fails.
 */
import '../src/promise-polyfill';
import { StateMachine } from 'aws-local-stepfunctions';
import { buildPipelineDefinition, STATES } from '../src';

type Handler = (input: unknown) => Promise<unknown>;

const definition = buildPipelineDefinition({
  functions: {
    qualityCheck: 'arn:aws:lambda:eu-west-1:123456789012:function:c',
    queryMissing: 'arn:aws:lambda:eu-west-1:123456789012:function:q',
    startTransform: 'arn:aws:lambda:eu-west-1:123456789012:function:s',
    writePredictions: 'arn:aws:lambda:eu-west-1:123456789012:function:w',
    recordFailure: 'arn:aws:lambda:eu-west-1:123456789012:function:r',
  },
  transformTimeoutSeconds: 600,
});

/** An error as a Lambda reports it: Step Functions matches on `name`. */
function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

const qualityChecked: Handler = async () => ({ runId: 'r1', invalid: 2, alertsRaised: 0 });

async function run(overrides: Record<string, Handler>) {
  const handlers: Record<string, Handler> = { [STATES.qualityCheck]: qualityChecked, ...overrides };
  const machine = new StateMachine(JSON.parse(JSON.stringify(definition)));
  const calls: { state: string; input: unknown }[] = [];
  const taskResourceLocalHandlers = Object.fromEntries(
    Object.entries(handlers).map(([state, handler]) => [
      state,
      async (input: unknown) => {
        calls.push({ state, input });
        return (await handler(input)) as never;
      },
    ]),
  );
  const execution = machine.run({ trigger: 'test' }, {
    overrides: {
      taskResourceLocalHandlers,
      retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((state) => [state, 0])),
    },
    // The engine has no task tokens: the context supplies one for `$$.Task.Token`.
    context: { Execution: { Id: 'arn:aws:states:eu-west-1:123456789012:execution:airfill:exec-1' }, Task: { Token: 'local-token' } } as never,
  });
  const outcome = await execution.result.then(
    (output) => ({ ok: true as const, output }),
    (error: Error) => ({ ok: false as const, error }),
  );
  return { outcome, calls };
}

const queryFound = (found: number): Handler => async () => ({ runId: 'r1', found, keys: { missing: 'retrieved_from_db/r1/missing.jsonl' } });

describe('the pipeline definition in the local engine', () => {
  it('succeeds without starting a transform when nothing is missing', async () => {
    const { outcome, calls } = await run({ [STATES.queryMissing]: queryFound(0) });
    expect(outcome).toEqual({ ok: true, output: expect.objectContaining({ found: 0 }) });
    expect(calls.map((call) => call.state)).toEqual([STATES.qualityCheck, STATES.queryMissing]);
  });

  it('runs quality-check -> query -> transform -> write and hands each step what the previous one returned', async () => {
    const { outcome, calls } = await run({
      [STATES.queryMissing]: queryFound(3),
      [STATES.startTransform]: async () => ({ jobName: 'airfill-dev-r1', predicted: 3 }),
      [STATES.writePredictions]: async () => ({ written: 3 }),
    });
    expect(outcome.ok).toBe(true);
    expect(calls.map((call) => call.state)).toEqual([STATES.qualityCheck, STATES.queryMissing, STATES.startTransform, STATES.writePredictions]);
    const executionId = 'arn:aws:states:eu-west-1:123456789012:execution:airfill:exec-1';
    expect(calls[0]?.input).toEqual({ executionId, input: { trigger: 'test' } });
    // query-missing gets the execution input, with quality-check's result beside it.
    expect(calls[1]?.input).toEqual({ executionId, input: { trigger: 'test', quality: { runId: 'r1', invalid: 2, alertsRaised: 0 } } });
    expect(calls[2]?.input).toMatchObject({ Payload: { run: { runId: 'r1', found: 3 }, executionId: expect.stringContaining('exec-1'), taskToken: 'local-token' } });
    expect(calls[3]?.input).toMatchObject({ run: { runId: 'r1', transform: { jobName: 'airfill-dev-r1', predicted: 3 } } });
  });

  it('retries a transient error and then carries on', async () => {
    let attempts = 0;
    const { outcome } = await run({
      [STATES.queryMissing]: async () => {
        attempts += 1;
        if (attempts < 3) throw named('TransientError', 'connection reset');
        return { runId: 'r1', found: 0 };
      },
    });
    expect(outcome.ok).toBe(true);
    expect(attempts).toBe(3);
  });

  it('records a permanent failure once and fails the execution with the original error', async () => {
    const { outcome, calls } = await run({
      [STATES.queryMissing]: queryFound(2),
      [STATES.startTransform]: async () => {
        throw named('OutputValidationError', 'id 7 missing from the output');
      },
      [STATES.recordFailure]: async () => ({ recorded: true }),
    });
    expect(outcome.ok).toBe(false);
    expect(calls.map((call) => call.state)).toEqual([STATES.qualityCheck, STATES.queryMissing, STATES.startTransform, STATES.recordFailure]);
    expect(calls[3]?.input).toMatchObject({ error: { Error: 'OutputValidationError', Cause: expect.stringContaining('id 7 missing') } });
    expect(!outcome.ok && (outcome.error.cause as Error).name).toBe('OutputValidationError');
  });

  it('still fails the execution when recording the failure fails too', async () => {
    const { outcome, calls } = await run({
      [STATES.queryMissing]: async () => {
        throw named('InputError', 'bad trigger');
      },
      [STATES.recordFailure]: async () => {
        throw named('InputError', 'ledger refused');
      },
    });
    expect(outcome.ok).toBe(false);
    expect(calls.map((call) => call.state)).toEqual([STATES.qualityCheck, STATES.queryMissing, STATES.recordFailure]);
  });

  it('retries a transient quality-check failure, and records a permanent one without filling anything', async () => {
    let attempts = 0;
    const retried = await run({
      [STATES.qualityCheck]: async () => {
        attempts += 1;
        if (attempts < 2) throw named('DatabaseUnavailableError', 'failover');
        return { runId: 'r1' };
      },
      [STATES.queryMissing]: queryFound(0),
    });
    expect(retried.outcome.ok).toBe(true);
    expect(attempts).toBe(2);
    const { outcome, calls } = await run({
      [STATES.qualityCheck]: async () => {
        throw named('InputError', 'invalid quality-control settings');
      },
      [STATES.recordFailure]: async () => ({ recorded: true }),
    });
    expect(outcome.ok).toBe(false);
    expect(calls.map((call) => call.state)).toEqual([STATES.qualityCheck, STATES.recordFailure]);
    expect(calls[1]?.input).toMatchObject({ error: { Error: 'InputError' } });
  });
});
