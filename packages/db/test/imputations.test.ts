import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { openRun, readStatus, writeImputations } from '../src';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.pool.query(`
    insert into sensors (device_id, latitude, longitude) values ('a', 1, 2), ('b', 3, 4);
    select ensure_readings_partitions('2024-01-01T00:00:00Z', '2024-01-01T23:00:00Z');
    insert into readings (sensor_ref, parameter, ts, value, raw_value)
    select s.id, 'PM 2.5', t, case when extract(hour from t)::int % 3 = 0 then null else 10 end, '10'
      from sensors s, generate_series('2024-01-01T00:00:00Z'::timestamptz, '2024-01-01T23:00:00Z', interval '1 hour') t;
  `);
});
afterAll(() => database.drop());

async function missingOf(device: string) {
  const { rows } = await database.pool.query<{ ts: Date }>(
    `select r.ts from readings r join sensors s on s.id = r.sensor_ref where s.device_id = $1 and r.value is null order by r.ts`,
    [device],
  );
  return rows.map((row) => row.ts);
}

describe('writeImputations', () => {
  it('stores predictions for missing readings once, and a repeat stores nothing', async () => {
    const run = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const imputations = (await missingOf('a')).map((ts, index) => ({ deviceId: 'a', parameter: 'PM 2.5', ts, value: index + 0.5 }));
    const first = await writeImputations(database, { runId: run.runId, modelVersion: 'm1', imputations });
    expect(first).toEqual({ received: 8, written: 8, alreadyImputed: 0, notMissing: 0, unknownSensor: 0 });
    const second = await writeImputations(database, { runId: run.runId, modelVersion: 'm1', imputations });
    expect(second).toEqual({ received: 8, written: 0, alreadyImputed: 8, notMissing: 0, unknownSensor: 0 });
    const status = await readStatus(database);
    expect(status.parameters['PM 2.5']).toEqual({ readings: 48, missing: 16, imputed: 8, unfilled: 8 });
  });

  it('never overwrites an observed reading and ignores unknown devices', async () => {
    const run = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const observed = new Date('2024-01-01T01:00:00Z');
    const result = await writeImputations(database, {
      runId: run.runId,
      modelVersion: 'm1',
      imputations: [
        { deviceId: 'b', parameter: 'PM 2.5', ts: observed, value: 99 },
        { deviceId: 'nope', parameter: 'PM 2.5', ts: observed, value: 99 },
      ],
    });
    expect(result).toMatchObject({ written: 0, notMissing: 1, unknownSensor: 1 });
    const { rows } = await database.pool.query(`select value from readings_filled where ts = $1 and observed is not null`, [observed]);
    // Both sensors' observed reading at that hour, unchanged.
    expect(rows.filter((row: { value: number }) => row.value === 10)).toHaveLength(2);
  });

  it('stores nothing for a reading that does not exist', async () => {
    const run = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const between = new Date('2024-01-01T00:30:00Z');
    const result = await writeImputations(database, {
      runId: run.runId,
      modelVersion: 'm1',
      imputations: [
        { deviceId: 'a', parameter: 'PM 2.5', ts: between, value: 5 },
        { deviceId: 'a', parameter: 'PM 10', ts: new Date('2024-01-01T03:00:00Z'), value: 5 },
      ],
    });
    expect(result).toEqual({ received: 2, written: 0, alreadyImputed: 0, notMissing: 2, unknownSensor: 0 });
    expect((await database.pool.query('select count(*)::int as n from imputations where run_id = $1', [run.runId])).rows[0].n).toBe(0);
  });

  it('rejects a value that is not finite, writing nothing', async () => {
    const run = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const [ts] = await missingOf('b');
    await expect(
      writeImputations(database, { runId: run.runId, modelVersion: 'm1', imputations: [{ deviceId: 'b', parameter: 'PM 2.5', ts: ts!, value: Number.NaN }] }),
    ).rejects.toThrow(/not finite/);
  });

  it("stores each value's interval beside it, and readings_filled shows it only where the value is filled", async () => {
    const run = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const [first, second] = (await missingOf('b')).slice(-2);
    await writeImputations(database, {
      runId: run.runId,
      modelVersion: 'm2',
      imputations: [
        { deviceId: 'b', parameter: 'PM 2.5', ts: first!, value: 12, lower: 7.5, upper: 20 },
        { deviceId: 'b', parameter: 'PM 2.5', ts: second!, value: 13 },
      ],
    });
    const { rows } = await database.pool.query<{ value: number; lower: number | null; upper: number | null; is_imputed: boolean }>(
      `select f.value, f.lower, f.upper, f.is_imputed from readings_filled f join sensors s on s.id = f.sensor_ref
        where s.device_id = 'b' and f.ts = any($1) order by f.ts`,
      [[first, second]],
    );
    expect(rows).toEqual([
      { value: 12, lower: 7.5, upper: 20, is_imputed: true },
      { value: 13, lower: null, upper: null, is_imputed: true },
    ]);
  });

  it('refuses an interval that does not hold its value, or has one bound only, writing nothing', async () => {
    const run = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const [ts] = await missingOf('b');
    const write = (bounds: { lower?: number | null; upper?: number | null }) =>
      writeImputations(database, { runId: run.runId, modelVersion: 'm3', imputations: [{ deviceId: 'b', parameter: 'PM 2.5', ts: ts!, value: 10, ...bounds }] });
    await expect(write({ lower: 11, upper: 20 })).rejects.toThrow(/does not hold its value/);
    await expect(write({ lower: 1 })).rejects.toThrow(/does not hold its value/);
    const { rows } = await database.pool.query(`select 1 from imputations where model_version = 'm3'`);
    expect(rows).toHaveLength(0);
  });
});
