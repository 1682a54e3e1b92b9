import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { DatabaseInputError, openRun, readStatus, writeImputations } from '../src';

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

/** Missing readings no test has imputed yet, latest first. */
async function notImputed(limit: number): Promise<{ deviceId: string; ts: Date }[]> {
  const { rows } = await database.pool.query<{ device_id: string; ts: Date }>(
    `select s.device_id, r.ts from readings r join sensors s on s.id = r.sensor_ref
      where r.value is null and not exists (select 1 from imputations i where i.sensor_ref = r.sensor_ref and i.parameter = r.parameter and i.ts = r.ts)
      order by r.ts desc, s.device_id limit $1`,
    [limit],
  );
  expect(rows).toHaveLength(limit);
  return rows.map((row) => ({ deviceId: row.device_id, ts: row.ts }));
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

  it('refuses a run that does not exist, as a DatabaseInputError, storing nothing of the batch', async () => {
    const [ts] = await missingOf('b');
    const write = writeImputations(database, {
      runId: '00000000-0000-4000-8000-000000000000',
      modelVersion: 'm4',
      imputations: [{ deviceId: 'b', parameter: 'PM 2.5', ts: ts!, value: 10 }],
    });
    await expect(write).rejects.toThrow(DatabaseInputError);
    await expect(write).rejects.toThrow(/run 00000000-0000-4000-8000-000000000000 does not exist/);
    const { rows } = await database.pool.query(`select 1 from imputations where model_version = 'm4'`);
    expect(rows).toHaveLength(0);
  });

  it('keeps a run that imputations name: deleting it or changing its id is refused, a run without imputations may go', async () => {
    const named = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const [{ deviceId, ts }] = (await notImputed(1)) as [{ deviceId: string; ts: Date }];
    const result = await writeImputations(database, { runId: named.runId, modelVersion: 'm5', imputations: [{ deviceId, parameter: 'PM 2.5', ts, value: 3 }] });
    expect(result.written).toBe(1);
    await expect(database.pool.query('delete from runs where run_id = $1', [named.runId])).rejects.toMatchObject({ code: '23503' });
    await expect(database.pool.query(`update runs set run_id = gen_random_uuid() where run_id = $1`, [named.runId])).rejects.toMatchObject({ code: '23503' });
    const unnamed = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    await database.pool.query('delete from runs where run_id = $1', [unnamed.runId]);
    const { rows } = await database.pool.query<{ run_id: string }>('select run_id from runs where run_id = any($1::uuid[])', [[named.runId, unnamed.runId]]);
    expect(rows.map((row) => row.run_id)).toEqual([named.runId]);
  });

  it('finds devices whose ids hold quotes, backslashes, commas, braces or spaces', async () => {
    const deviceId = 'odd "dev", {x}\\ NULL';
    await database.pool.query(`insert into sensors (device_id, latitude, longitude) values ($1, 5, 6)`, [deviceId]);
    await database.pool.query(
      `insert into readings (sensor_ref, parameter, ts, value, raw_value) select id, 'PM 2.5', '2024-01-01T05:00:00Z', null, '' from sensors where device_id = $1`,
      [deviceId],
    );
    const run = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const ts = new Date('2024-01-01T05:00:00Z');
    const result = await writeImputations(database, { runId: run.runId, modelVersion: 'm6', imputations: [{ deviceId, parameter: 'PM 2.5', ts, value: 4.25 }] });
    expect(result).toEqual({ received: 1, written: 1, alreadyImputed: 0, notMissing: 0, unknownSensor: 0 });
    const { rows } = await database.pool.query<{ device_id: string; value: number }>(
      `select s.device_id, i.value from imputations i join sensors s on s.id = i.sensor_ref where i.model_version = 'm6'`,
    );
    expect(rows).toEqual([{ device_id: deviceId, value: 4.25 }]);
  });

  it('stores around another writer of the same readings that commits while it writes: each reading once, counted, no error', async () => {
    const run = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const readings = await notImputed(3);
    const other = await database.pool.connect();
    try {
      await other.query('begin');
      await other.query(
        `insert into imputations (sensor_ref, parameter, ts, value, model_version, run_id)
         select id, 'PM 2.5', $2, 1, 'other', $3 from sensors where device_id = $1`,
        [readings[0]!.deviceId, readings[0]!.ts, run.runId],
      );
      const write = writeImputations(database, { runId: run.runId, modelVersion: 'm7', imputations: readings.map((reading) => ({ ...reading, parameter: 'PM 2.5', value: 2 })) });
      // The write waits on the other writer's uncommitted key; commit it then.
      for (let polls = 0; ; polls += 1) {
        const { rows } = await database.pool.query<{ n: string }>(`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
        if (Number(rows[0]!.n) > 0) break;
        if (polls > 200) throw new Error('the write never waited on the other writer');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await other.query('commit');
      expect(await write).toEqual({ received: 3, written: 2, alreadyImputed: 1, notMissing: 0, unknownSensor: 0 });
    } finally {
      other.release();
    }
    const { rows } = await database.pool.query<{ model_version: string; n: string }>(
      `select model_version, count(*) as n from imputations where run_id = $1 group by 1 order by 1`,
      [run.runId],
    );
    expect(rows.map((row) => [row.model_version, Number(row.n)])).toEqual([
      ['m7', 2],
      ['other', 1],
    ]);
  });
});
