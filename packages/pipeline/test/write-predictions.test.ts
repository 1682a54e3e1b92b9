import { getRun, writeImputations } from '@airfill/db';
import type { LoadedModel } from '@airfill/model';
import { predictionRecordSchema, runKeys, type TransformResult, type WritePredictionsEvent } from '@airfill/schema';
import { getText, handleTransformEvent, MIN_LIVE_POINTS, parseJsonLines, putText, silentLogger, startTransform, writePredictions, type Bucket } from '../src';
import { awsDeps, JOB_PREFIX, queriedRun, transformSettings, useFixture, type Fixture } from './support/fixture';
import { runLocalTransform } from './support/local-transform';
import { countRows, PARAMETER, unfilled } from './support/seed';

let fixture: Fixture;
useFixture((opened) => (fixture = opened), ['imputations', 'claims', 'live_checks']);

/** Runs a run up to the write step: query, transform (with `model`, the fixture's by default), callback. Returns write-predictions' event. */
async function predictedRun(
  name: string,
  options: { livePoints?: number; model?: LoadedModel } = {},
): Promise<{ bucket: Bucket; event: WritePredictionsEvent; transform: TransformResult }> {
  const { bucket, run, executionId, startEvent } = await queriedRun(fixture, name, options.livePoints === undefined ? {} : { livePoints: options.livePoints });
  const deps = awsDeps(fixture, bucket);
  await startTransform(deps, transformSettings(fixture), startEvent(`token-${name}`));
  await runLocalTransform(bucket, run.runId, options.model ?? fixture.model);
  await handleTransformEvent(deps, { jobPrefix: JOB_PREFIX }, {
    source: 'aws.sagemaker',
    'detail-type': 'SageMaker Transform Job State Change',
    detail: { TransformJobName: `${JOB_PREFIX}${run.runId}`, TransformJobStatus: 'Completed' },
  });
  const success = fixture.aws.sfn.calls().at(-1)!.args[0].input as { output: string };
  const transform = JSON.parse(success.output) as TransformResult;
  return { bucket, transform, event: { executionId, run: { ...run, transform } } };
}

/** The fixture's model, degraded: every raw output 40 µg/m³ too high (as a model whose sensors' relation changed under it). */
const degraded = (): LoadedModel => ({ ...fixture.model, predict: (matrix) => fixture.model.predict(matrix).map((value) => value + 40) });

describe('writePredictions', () => {
  it('records the live check once per run, and raises the drift signal after the rule\'s run of bad checks of the same model', async () => {
    const rule = { factor: 1.5, runs: 2 };
    const deps = (bucket: Bucket) => ({ database: fixture.database, bucket, logger: silentLogger });
    const good = await predictedRun('live-good', { livePoints: 30 });
    const first = await writePredictions(deps(good.bucket), good.event, { drift: rule });
    expect(first.live).toMatchObject({ drift: false, refused: 0 });
    expect(first.live!.points).toBeGreaterThanOrEqual(MIN_LIVE_POINTS);
    expect(first.live!.ratio).toBeLessThan(rule.factor);
    expect(first.live!.coverage).not.toBeNull();

    // Nothing is missing any more: the next runs still check the model, on the newest days.
    const bad = [];
    for (const name of ['live-bad1', 'live-bad2']) {
      const run = await predictedRun(name, { livePoints: 30, model: degraded() });
      expect(run.event.run.found).toBe(0);
      bad.push({ run, result: await writePredictions(deps(run.bucket), run.event, { drift: rule }) });
    }
    expect(bad.map(({ result }) => result.written)).toEqual([0, 0]);
    expect(bad.every(({ result }) => result.live !== null && result.live.ratio! >= rule.factor)).toBe(true);
    expect(bad.map(({ result }) => result.live!.drift)).toEqual([false, true]);
    // The hidden values are never written.
    expect(await countRows(fixture.database, 'imputations')).toBe(5);

    // A retry records nothing twice and decides the same.
    const last = bad[1]!;
    expect((await writePredictions(deps(last.run.bucket), last.run.event, { drift: rule })).live).toEqual(last.result.live);
    const { rows } = await fixture.database.pool.query<{ drift: boolean }>('select drift from live_checks order by checked_at');
    expect(rows.map((row) => row.drift)).toEqual([false, false, true]);
  });

  it('stores every prediction as an imputation of this run and closes the run with its counts', async () => {
    const { bucket, event, transform } = await predictedRun('w1');
    const deps = { database: fixture.database, bucket, logger: silentLogger };
    const result = await writePredictions(deps, event);
    const runId = event.run.runId;
    expect(result).toEqual({ runId, found: 5, predicted: 5, written: 5, alreadyImputed: 0, notMissing: 0, unknownSensor: 0, refused: 0, live: null });
    expect(await unfilled(fixture.database)).toBe(0);
    expect(await getRun(fixture.database, runId)).toMatchObject({ status: 'succeeded', found: 5, predicted: 5, written: 5, modelVersion: transform.modelVersion });
    expect(await countRows(fixture.database, 'claims')).toBe(0);

    const predictions = parseJsonLines(await getText(bucket, runKeys(runId).predictions), predictionRecordSchema, 'p');
    const { rows } = await fixture.database.pool.query<{ device_id: string; ts: Date; imputed: number; is_imputed: boolean }>(
      `select s.device_id, f.ts, f.imputed, f.is_imputed from readings_filled f join sensors s on s.id = f.sensor_ref
        where f.parameter = $1 and f.is_imputed order by f.ts, s.device_id`,
      [PARAMETER],
    );
    expect(rows.map((row) => [row.device_id, row.ts.toISOString(), row.imputed])).toEqual(predictions.map((row) => [row.deviceId, row.ts, row.value]));
  });

  it('on a retry after a crash between the write and closing the run, writes nothing twice and reports the run total', async () => {
    const { bucket, event, transform } = await predictedRun('w2');
    const predictions = parseJsonLines(await getText(bucket, transform.predictionsKey), predictionRecordSchema, 'p');
    // The crashed attempt got as far as the write.
    await writeImputations(fixture.database, {
      runId: event.run.runId,
      modelVersion: transform.modelVersion,
      imputations: predictions.map((row) => ({ deviceId: row.deviceId, parameter: row.parameter, ts: new Date(row.ts), value: row.value })),
    });
    const deps = { database: fixture.database, bucket, logger: silentLogger };
    const retry = await writePredictions(deps, event);
    expect(retry).toMatchObject({ written: 5, alreadyImputed: 5 });
    const again = await writePredictions(deps, event);
    expect(again).toMatchObject({ written: 5, alreadyImputed: 5 });
    expect(await countRows(fixture.database, 'imputations')).toBe(5);
    expect(await getRun(fixture.database, event.run.runId)).toMatchObject({ status: 'succeeded', written: 5 });
  });

  it('refuses predictions whose count differs from what the transform reported', async () => {
    const { bucket, event } = await predictedRun('w3');
    const wrong = { ...event, run: { ...event.run, transform: { ...event.run.transform, predicted: 4 } } };
    await expect(writePredictions({ database: fixture.database, bucket, logger: silentLogger }, wrong)).rejects.toMatchObject({
      name: 'InputError',
    });
    expect(await countRows(fixture.database, 'imputations')).toBe(0);
  });

  it.each([
    ['parameter', (row: Record<string, unknown>) => ({ ...row, parameter: 'PM 10' }), /is PM 10\/.*expected PM 2\.5\//],
    ['model version', (row: Record<string, unknown>) => ({ ...row, modelVersion: 'someone-elses-model' }), /is PM 2\.5\/someone-elses-model, expected/],
  ])('refuses the whole file when a prediction is for another %s, naming its device and time, and writes nothing', async (_what, change, reason) => {
    const { bucket, event, transform } = await predictedRun(`w5-${_what.replace(/\W/g, '')}`);
    const predictions = (await getText(bucket, transform.predictionsKey)).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    predictions[2] = change(predictions[2]!);
    await putText(bucket, transform.predictionsKey, `${predictions.map((row) => JSON.stringify(row)).join('\n')}\n`, 'application/x-ndjson');
    const attempt = writePredictions({ database: fixture.database, bucket, logger: silentLogger }, event);
    await expect(attempt).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(reason) });
    await expect(attempt).rejects.toThrow(new RegExp(`prediction for ${String(predictions[2]!.deviceId)} ${String(predictions[2]!.ts)}`));
    expect(await countRows(fixture.database, 'imputations')).toBe(0);
    expect(await getRun(fixture.database, event.run.runId)).toMatchObject({ status: 'running', written: 0 });
  });

  it('refuses a refused list whose count differs from what the transform reported', async () => {
    const { bucket, event } = await predictedRun('w6');
    const wrong = { ...event, run: { ...event.run, transform: { ...event.run.transform, refused: 2 } } };
    await expect(writePredictions({ database: fixture.database, bucket, logger: silentLogger }, wrong)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/holds 0 refused predictions, the transform reported 2/),
    });
    expect(await countRows(fixture.database, 'imputations')).toBe(0);
  });

  it("refuses a state whose run is not this execution's run of its parameter, or whose ledger row fills another parameter", async () => {
    const { bucket, event } = await predictedRun('w7');
    const deps = { database: fixture.database, bucket, logger: silentLogger };
    const relabelled = { ...event, run: { ...event.run, parameter: 'Temperature' } };
    await expect(writePredictions(deps, relabelled)).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('is not the Temperature run of execution') });
    await fixture.database.pool.query(`update runs set parameter = 'Temperature' where run_id = $1`, [event.run.runId]);
    await expect(writePredictions(deps, event)).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('fills Temperature in the ledger') });
    expect(await countRows(fixture.database, 'imputations')).toBe(0);
  });

  it('refuses a run that already failed (its readings belong to the next run)', async () => {
    const { bucket, event } = await predictedRun('w4');
    await fixture.database.pool.query(`update runs set status = 'failed' where run_id = $1`, [event.run.runId]);
    await expect(writePredictions({ database: fixture.database, bucket, logger: silentLogger }, event)).rejects.toMatchObject({
      name: 'InputError',
    });
    expect(await countRows(fixture.database, 'imputations')).toBe(0);
  });
});
