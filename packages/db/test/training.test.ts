import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { completeTrainingRun, ensureReadingsPartitions, failTrainingRun, getTrainingRun, listTrainingRuns, openTrainingRun, readTrainingData } from '../src';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  // Readings are partitioned by month: the month's partition first, as the loader makes it.
  await ensureReadingsPartitions(database.pool, { from: new Date('2024-01-01T00:00:00Z'), to: new Date('2024-01-01T05:00:00Z') });
  // Two sensors, 6 hours, PM 2.5 missing at 02:00 for sensor b, NO2 alongside.
  await database.pool.query(`
    insert into sensors (device_id, latitude, longitude) values ('b', 3, 4), ('a', 1, 2);
    insert into readings (sensor_ref, parameter, ts, value, raw_value)
    select s.id, p, t, case when s.device_id = 'b' and p = 'PM 2.5' and extract(hour from t) = 2 then null else extract(hour from t) end, '1'
      from sensors s, unnest(array['PM 2.5', 'NO2']) p,
           generate_series('2024-01-01T00:00:00Z'::timestamptz, '2024-01-01T05:00:00Z', interval '1 hour') t;
  `);
});
afterAll(() => database.drop());

const run = '6f0f2a7e-4b9d-4e0f-8a3b-5c7d9e1f2a3b';

describe('readTrainingData', () => {
  it('reads every reading in time order with missing ones as null, the sites and the parameters', async () => {
    const data = await readTrainingData(database, { from: null, to: null });
    expect(data.sites.map((site) => site.deviceId)).toEqual(['a', 'b']);
    expect(data.parameters).toEqual(['NO2', 'PM 2.5']);
    expect(data.observations).toHaveLength(24);
    expect(data.observations.slice(0, 4)).toEqual([
      { deviceId: 'a', parameter: 'NO2', ts: Date.parse('2024-01-01T00:00:00Z'), value: 0 },
      { deviceId: 'a', parameter: 'PM 2.5', ts: Date.parse('2024-01-01T00:00:00Z'), value: 0 },
      { deviceId: 'b', parameter: 'NO2', ts: Date.parse('2024-01-01T00:00:00Z'), value: 0 },
      { deviceId: 'b', parameter: 'PM 2.5', ts: Date.parse('2024-01-01T00:00:00Z'), value: 0 },
    ]);
    expect(data.observations.filter((observation) => observation.value === null)).toEqual([
      { deviceId: 'b', parameter: 'PM 2.5', ts: Date.parse('2024-01-01T02:00:00Z'), value: null },
    ]);
  });

  it('reads only the window asked for', async () => {
    const data = await readTrainingData(database, { from: new Date('2024-01-01T04:00:00Z'), to: null });
    expect(data.observations).toHaveLength(8);
    expect(data.observations.every((observation) => observation.ts >= Date.parse('2024-01-01T04:00:00Z'))).toBe(true);
  });
});

describe('the training run ledger', () => {
  it('opens a run once, closes it with its model and decision, and never fails a run that succeeded', async () => {
    const opened = await openTrainingRun(database, { runId: run, executionId: 'exec-1', parameter: 'PM 2.5', trigger: 'test' });
    const again = await openTrainingRun(database, { runId: run, executionId: 'exec-1', parameter: 'PM 2.5', trigger: 'other' });
    expect(again).toEqual(opened);
    await completeTrainingRun(database, run, { modelVersion: 'v1', decision: 'rejected' });
    await failTrainingRun(database, run, { name: 'Late', message: 'a late failure' });
    expect(await getTrainingRun(database, run)).toMatchObject({ status: 'succeeded', modelVersion: 'v1', decision: 'rejected', error: null });
  });

  it('records a failure with its error', async () => {
    const other = '6f0f2a7e-4b9d-4e0f-8a3b-5c7d9e1f2a3c';
    await openTrainingRun(database, { runId: other, executionId: 'exec-2', parameter: 'NO2', trigger: 'test' });
    await failTrainingRun(database, other, { name: 'States.TaskFailed', message: 'training job failed' });
    expect(await getTrainingRun(database, other)).toMatchObject({ status: 'failed', error: { name: 'States.TaskFailed', message: 'training job failed' } });
    expect((await listTrainingRuns(database, 'NO2')).map((row) => row.runId)).toEqual([other]);
  });
});
