/**
 * The whole pipeline on one machine: the real state machine definition in
 * the local engine, the real steps, PostgreSQL, s3rver, the local transform
 * scoring with the model, and the real callback answering the task token.
 */
import { getRun, listLiveChecks } from '@airfill/db';
import { DEFAULT_LIVE_POINTS, getText, listKeys } from '@airfill/pipeline';
import { runKeys } from '@airfill/schema';
import { runPipeline } from '../src';
import { count, filled, missing, openNetwork, readingsFingerprint, unfilled, type Network } from './support/network';

// Whole runs (and, for the CLI, whole processes) take seconds, more on a loaded machine.
jest.setTimeout(30_000);

let network: Network;
beforeAll(async () => {
  network = await openNetwork();
});
afterAll(() => network.close());

describe('the local pipeline, end to end', () => {
  it('fills every missing value of the parameter exactly once, leaves the originals alone, closes the run, and a second run is a no-op', async () => {
    const before = await readingsFingerprint(network);
    const gaps = await missing(network);
    expect(gaps).toBeGreaterThan(50);

    const first = await runPipeline(network.runtime, { retryIntervalMs: 10 });
    expect(first).toMatchObject({ status: 'succeeded', output: { plan: { parameters: ['PM 2.5'], withoutModel: [] }, outcomes: ['succeeded'] } });
    expect(await unfilled(network)).toBe(0);
    expect(await filled(network)).toBe(gaps);
    expect(await count(network, 'select count(*) as n from imputations')).toBe(gaps);
    expect(await readingsFingerprint(network)).toBe(before);
    expect(await getRun(network.database, first.runs[0]!.runId)).toMatchObject({ status: 'succeeded', found: gaps, predicted: gaps, written: gaps, error: null });
    expect(await count(network, 'select count(*) as n from claims')).toBe(0);
    expect(network.runtime.parameters.parameters.size).toBe(0);
    expect(network.runtime.tokens.waiting).toBe(0);

    // SageMaker's layout: the input keeps the id first; the output is `id,prediction`, one line per input row.
    const keys = runKeys(first.runs[0]!.runId);
    // In two objects, as for two instances; each comes back as `<name>.out`, and the callback joins them by id.
    const parts = [keys.inputPart(0), keys.inputPart(1)];
    expect(await listKeys(network.runtime.bucket, keys.inputPrefix)).toEqual(parts);
    const input = (await Promise.all(parts.map((key) => getText(network.runtime.bucket, key)))).join('').trim().split('\n');
    // The missing readings, and after them the values the live check hid from the model (predicted, never written).
    const probes = (await getText(network.runtime.bucket, keys.probes)).trim().split('\n').length;
    expect(probes).toBeGreaterThanOrEqual(DEFAULT_LIVE_POINTS);
    expect(input).toHaveLength(gaps + probes);
    const live = await listLiveChecks(network.database, 'PM 2.5', { limit: 5 });
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ runId: first.runs[0]!.runId, drift: false });
    expect(live[0]!.points + live[0]!.refused).toBe(probes);
    expect(live[0]!.mae).toBeGreaterThan(0);
    const outputs = parts.map((key) => `${keys.outputPrefix}${key.slice(keys.inputPrefix.length)}.out`);
    expect(await listKeys(network.runtime.bucket, keys.outputPrefix)).toEqual(outputs);
    const output = (await Promise.all(outputs.map((key) => getText(network.runtime.bucket, key)))).join('').trim().split('\n');
    expect(output.map((line) => line.split(',')[0])).toEqual(input.map((line) => line.split(',')[0]));
    expect(output.filter((line) => /^\d+,-?\d+(\.\d+)?(e-?\d+)?$/.test(line))).toHaveLength(gaps + probes);

    const second = await runPipeline(network.runtime, { retryIntervalMs: 10 });
    expect(second).toMatchObject({ status: 'succeeded', output: { outcomes: ['succeeded'] } });
    expect(await getRun(network.database, second.runs[0]!.runId)).toMatchObject({ status: 'succeeded', found: 0, written: 0 });
    expect(await count(network, 'select count(*) as n from imputations')).toBe(gaps);
    // Nothing to fill, but the model is still checked live, on the newest days.
    expect((await listLiveChecks(network.database, 'PM 2.5', { limit: 5 })).map((check) => check.runId)).toEqual([second.runs[0]!.runId, first.runs[0]!.runId]);
  });

  it('fills only the parameter it runs for', async () => {
    expect(await count(network, `select count(*) as n from imputations where parameter <> 'PM 2.5'`)).toBe(0);
    expect(await count(network, `select count(*) as n from readings where parameter <> 'PM 2.5' and value is null`)).toBeGreaterThan(0);
  });

  it('reports the time of each state it ran', async () => {
    await network.database.pool.query('delete from imputations');
    const result = await runPipeline(network.runtime, { retryIntervalMs: 10 });
    // NotifyQualityAlerts runs over no alerts here: quality control already ran over this network.
    expect(result.states.map((timing) => timing.state)).toEqual(['QualityCheck', 'NotifyQualityAlerts', 'PlanParameters', 'FillChunksReadItems', 'FillChunks', 'CheckOutcomes', 'AnyParameterFailed', 'Done']);
    expect(result.states.filter((timing) => timing.ms >= 0 && timing.attempts === 1)).toHaveLength(8);
    // The one parameter's run, inside the Map.
    expect(result.runs).toHaveLength(1);
    const [run] = result.runs;
    expect(run!.states.map((timing) => timing.state)).toEqual(['QueryMissing', 'AnythingToFill', 'StartTransform', 'WritePredictions', 'ParameterFilled']);
    // The wait in StartTransform covers the transform job and the callback.
    const wait = run!.states.find((timing) => timing.state === 'StartTransform')!;
    expect(run!.transformMs).toBeGreaterThan(0);
    expect(wait.ms).toBeGreaterThanOrEqual(run!.transformMs! + run!.callbackMs - 5);
  });
});
