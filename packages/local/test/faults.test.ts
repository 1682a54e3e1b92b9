/**
 * Fault injection end to end: each step failing where real ones fail (after
 * doing their work), through the real Retry and Catch of the definition.
 * Either the execution retries and completes, or it fails, the run is
 * recorded failed with its claims released, and the next run completes the
 * fill. Never a value lost, never one written twice, never an original touched.
 */
import { getRun } from '@airfill/db';
import { PARAMETERS_FAILED_ERROR } from '@airfill/workflow';
import { runPipeline, type ExecutionResult, type Fault, type PipelineProgress } from '../src';
import { count, filled, missing, openNetwork, readingsFingerprint, unfilled, type Network } from './support/network';

// Executions with retries and a transform timeout take seconds, more on a loaded machine.
jest.setTimeout(30_000);

let network: Network;
let fingerprint: string;
let gaps: number;
beforeAll(async () => {
  network = await openNetwork();
  fingerprint = await readingsFingerprint(network);
  gaps = await missing(network);
});
afterAll(() => network.close());
beforeEach(async () => {
  await network.database.pool.query('delete from imputations; delete from claims');
});

/** A state's timing, top-level or in the parameter's run. */
const timingOf = (result: ExecutionResult, state: string) => [...result.states, ...result.runs.flatMap((run) => run.states)].find((timing) => timing.state === state);

async function expectAllFilledOnce(): Promise<void> {
  expect(await unfilled(network)).toBe(0);
  expect(await filled(network)).toBe(gaps);
  expect(await count(network, 'select count(*) as n from imputations')).toBe(gaps);
  expect(await readingsFingerprint(network)).toBe(fingerprint);
  expect(await count(network, 'select count(*) as n from claims')).toBe(0);
  expect(network.runtime.parameters.parameters.size).toBe(0);
}

describe('a step failing once is retried and the execution completes', () => {
  it.each<[string, Fault, string, number]>([
    ['quality-check crashes after storing its flags', { at: 'qualityCheck' }, 'QualityCheck', 50],
    ['query-missing crashes after claiming', { at: 'queryMissing' }, 'QueryMissing', 50],
    // The retry races the first attempt's job: the callback may hold the first (dead) token when
    // the retry stores its own; it then answers the newer one (settle-transform).
    ['start-transform crashes after starting the job', { at: 'startTransform' }, 'StartTransform', 50],
    ['the writer dies before COMMIT', { at: 'writePredictions' }, 'WritePredictions', 50],
  ])('%s', async (_name, fault, state, retryIntervalMs) => {
    const result = await runPipeline(network.runtime, { faults: [fault], retryIntervalMs });
    expect(result.status).toBe('succeeded');
    expect(timingOf(result, state)?.attempts).toBe(2);
    await expectAllFilledOnce();
    expect(await getRun(network.database, result.runs[0]!.runId)).toMatchObject({ status: 'succeeded', found: gaps, written: gaps });
    // One transform job per run, also when start-transform ran twice.
    expect([...network.runtime.sagemaker.jobs.keys()].filter((job) => job.endsWith(result.runs[0]!.runId))).toHaveLength(1);
  });

  it('the callback crashes and EventBridge delivers the event again', async () => {
    const events: PipelineProgress[] = [];
    const result = await runPipeline(network.runtime, { faults: [{ at: 'callback' }], retryIntervalMs: 50, onProgress: (event) => events.push(event) });
    expect(result.status).toBe('succeeded');
    expect(events).toContainEqual(expect.objectContaining({ kind: 'callback', attempt: 1, error: 'TransientError' }));
    expect(events).toContainEqual(expect.objectContaining({ kind: 'callback', outcome: 'succeeded' }));
    await expectAllFilledOnce();
  });
});

describe('a step that keeps failing fails the execution, and the next run completes the fill', () => {
  it.each<[string, Fault, string]>([
    ['quality-check fails on bad input', { at: 'qualityCheck', kind: 'permanent' }, 'InputError'],
    ['query-missing fails on bad input', { at: 'queryMissing', kind: 'permanent' }, 'InputError'],
    ['start-transform fails on bad input', { at: 'startTransform', kind: 'permanent' }, 'InputError'],
    ['the transform job fails', { at: 'transformJob' }, 'TransformJobFailedError'],
    ['the writer dies before COMMIT on every attempt', { at: 'writePredictions', times: 10 }, 'TransientError'],
    // Every delivery, also a late one of an earlier run's job: a fault used up by that one would let this run's event through.
    ['the callback crashes on every delivery, so the wait times out', { at: 'callback', times: 1_000 }, 'States.Timeout'],
  ])('%s', async (_name, fault, error) => {
    const progress: PipelineProgress[] = [];
    const failed = await runPipeline(network.runtime, { faults: [fault], retryIntervalMs: 20, transformTimeoutSeconds: 3, onProgress: (event) => progress.push(event) });
    // The progress rides along so that a failure here shows what the execution went through.
    if (fault.at === 'qualityCheck') {
      // Before the plan: the execution fails with the check's error, and no parameter's run was opened.
      expect({ ...failed, progress }).toMatchObject({ status: 'failed', error: { name: error }, runs: [] });
    } else {
      // The parameter's run failed with the error; the execution names the parameters' outcomes.
      expect({ ...failed, progress }).toMatchObject({ status: 'failed', error: { name: PARAMETERS_FAILED_ERROR } });
      expect(await getRun(network.database, failed.runs[0]!.runId)).toMatchObject({ status: 'failed', error: { name: error } });
    }
    expect(await count(network, 'select count(*) as n from claims')).toBe(0);
    expect(await count(network, 'select count(*) as n from imputations')).toBe(0);
    expect(network.runtime.parameters.parameters.size).toBe(0);
    expect(await readingsFingerprint(network)).toBe(fingerprint);

    const next = await runPipeline(network.runtime, { retryIntervalMs: 20 });
    expect(next).toMatchObject({ status: 'succeeded', output: { outcomes: ['succeeded'] } });
    expect(await getRun(network.database, next.runs[0]!.runId)).toMatchObject({ status: 'succeeded', found: gaps });
    await expectAllFilledOnce();
  });
});

describe('an aborted execution (Ctrl-C)', () => {
  it('closes its run, frees its readings and stops its job, and the next run completes the fill', async () => {
    const controller = new AbortController();
    const aborted = await runPipeline(network.runtime, {
      signal: controller.signal,
      retryIntervalMs: 20,
      onProgress: (event) => {
        if (event.kind === 'state' && event.state === 'StartTransform' && event.phase === 'entered') controller.abort();
      },
    });
    expect(aborted).toMatchObject({ status: 'failed', error: { name: 'ExecutionAbortedError' } });
    expect(await getRun(network.database, aborted.runs[0]!.runId)).toMatchObject({ status: 'failed', error: { name: 'ExecutionAbortedError' } });
    expect(await count(network, 'select count(*) as n from claims')).toBe(0);
    expect(network.runtime.parameters.parameters.size).toBe(0);
    await network.runtime.sagemaker.idle();
    expect(await count(network, 'select count(*) as n from imputations')).toBe(0);

    const next = await runPipeline(network.runtime, { retryIntervalMs: 20 });
    expect(next).toMatchObject({ status: 'succeeded', output: { outcomes: ['succeeded'] } });
    expect(await getRun(network.database, next.runs[0]!.runId)).toMatchObject({ status: 'succeeded', found: gaps });
    await expectAllFilledOnce();
  });
});
