import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { correctReadings, openRun, writeImputations, type CorrectionRequest } from '../src';

let database: TestDatabase;

const HOUR = 3_600_000;
const window = { beforeMs: 6 * HOUR, afterMs: 6 * HOUR };

beforeEach(async () => {
  database = await createTestDatabase();
  // Three sensors, two days hourly of PM 2.5 and PM 10; every 4th hour missing.
  await database.pool.query(`
    insert into sensors (device_id, latitude, longitude) values ('a', 1, 2), ('b', 1.01, 2.01), ('c', 1.02, 2.02);
    select ensure_readings_partitions('2024-01-01T00:00:00Z', '2024-01-02T23:00:00Z');
    insert into readings (sensor_ref, parameter, ts, value, raw_value)
    select s.id, p, t, case when extract(hour from t)::int % 4 = 0 then null else 10 + extract(hour from t) end,
           case when extract(hour from t)::int % 4 = 0 then '' else (10 + extract(hour from t))::text end
      from sensors s, unnest(array['PM 2.5', 'PM 10']) p,
           generate_series('2024-01-01T00:00:00Z'::timestamptz, '2024-01-02T23:00:00Z', interval '1 hour') t;`);
  // Every missing reading is imputed.
  const run = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
  const { rows } = await database.pool.query<{ device_id: string; parameter: string; ts: Date }>(
    `select s.device_id, r.parameter, r.ts from readings r join sensors s on s.id = r.sensor_ref where r.value is null`,
  );
  await writeImputations(database, { runId: run.runId, modelVersion: 'm1', imputations: rows.map((row) => ({ deviceId: row.device_id, parameter: row.parameter, ts: row.ts, value: 1 })) });
});
afterEach(() => database.drop());

const request = (overrides: Partial<CorrectionRequest>): CorrectionRequest => ({
  action: 'invalidate',
  deviceId: 'a',
  parameter: 'PM 2.5',
  from: new Date('2024-01-01T10:00:00Z'),
  to: new Date('2024-01-01T13:00:00Z'),
  reason: 'sensor in the sun',
  requestedBy: 'tester@host',
  featureWindow: window,
  ...overrides,
});

const count = async (sql: string) => Number((await database.pool.query<{ n: string }>(`select count(*) as n from (${sql}) x`)).rows[0]!.n);

/** Imputations of missing readings in [10:00 - 6 h, 13:00 + 6 h): the own device's (both parameters) and the others' PM 2.5. */
const IMPUTED_IN_WINDOW = { own: 2 * 4, others: 2 * 4 };

describe('correctReadings', () => {
  it('invalidates the readings (flag "manual", value NULL, raw kept), removes the imputations that could use them, and records it', async () => {
    const result = await correctReadings(database, request({}));
    // 10:00, 11:00, 12:00 of a's PM 2.5; 12:00 was missing already.
    expect(result).toEqual({ correctionId: expect.any(Number), selected: 3, changed: 2, flagsCleared: 0, parameters: ['PM 2.5'], imputationsRemoved: IMPUTED_IN_WINDOW });
    const { rows } = await database.pool.query(
      `select r.ts, r.value, r.raw_value, f."check", f.severity, f.detail from readings r join sensors s on s.id = r.sensor_ref
         join flags f using (sensor_ref, parameter, ts)
        where s.device_id = 'a' and r.parameter = 'PM 2.5' order by r.ts`,
    );
    expect(rows).toEqual(
      [10, 11].map((hour) => ({ ts: new Date(`2024-01-01T${hour}:00:00Z`), value: null, raw_value: String(10 + hour), check: 'manual', severity: 'invalid', detail: 'sensor in the sun' })),
    );
    // The next run finds them missing, with nothing imputed: it fills them (and refills what was removed).
    expect(await count(`select 1 from readings r left join imputations i using (sensor_ref, parameter, ts) where r.value is null and i.ts is null`)).toBe(2 + 16);
    expect((await database.pool.query('select action, device_id, parameter, reason, requested_by, readings, imputations_removed from corrections')).rows).toEqual([
      { action: 'invalidate', device_id: 'a', parameter: 'PM 2.5', reason: 'sensor in the sun', requested_by: 'tester@host', readings: 2, imputations_removed: 16 },
    ]);
    const { rows: reasons } = await database.pool.query(`select distinct fill_reason from readings_filled where fill_reason is not null order by 1`);
    expect(reasons).toEqual([{ fill_reason: 'manual' }, { fill_reason: 'missing' }]);
  });

  it('leaves imputations outside the feature window and of other parameters at other sensors alone', async () => {
    const outside = `select 1 from imputations where ts < '2024-01-01T04:00:00Z' or ts >= '2024-01-01T19:00:00Z'`;
    const before = { all: await count('select 1 from imputations'), outside: await count(outside) };
    await correctReadings(database, request({}));
    expect(await count('select 1 from imputations')).toBe(before.all - 16);
    expect(await count(outside)).toBe(before.outside);
    // In the window, the other sensors' PM 10 (4 missing hours each) stays: a's PM 2.5 is no feature of it.
    expect(await count(`select 1 from imputations i join sensors s on s.id = i.sensor_ref where s.device_id <> 'a' and i.parameter = 'PM 10' and i.ts >= '2024-01-01T04:00:00Z' and i.ts < '2024-01-01T19:00:00Z'`)).toBe(2 * 4);
  });

  it('deletes the readings and their flags; a dry run first says so and changes nothing', async () => {
    await correctReadings(database, request({}));
    const snapshot = await count('select 1 from readings');
    const dry = await correctReadings(database, request({ action: 'delete', parameter: undefined, dryRun: true }));
    // a's own imputations in the window went with the invalidation; the other sensors' PM 10 go now.
    expect(dry).toEqual({ selected: 6, changed: 6, flagsCleared: 0, parameters: ['PM 10', 'PM 2.5'], imputationsRemoved: { own: 0, others: 8 } });
    expect(await count('select 1 from readings')).toBe(snapshot);
    expect(await count('select 1 from corrections')).toBe(1);
    const done = await correctReadings(database, request({ action: 'delete', parameter: undefined }));
    expect(done).toMatchObject({ changed: 6, imputationsRemoved: { own: 0, others: 8 } });
    expect(await count('select 1 from readings')).toBe(snapshot - 6);
    expect(await count('select 1 from flags')).toBe(0);
  });

  it('clears the flags and trusts the raw values again; the clearance is kept', async () => {
    await correctReadings(database, request({}));
    const cleared = await correctReadings(database, request({ action: 'clear', reason: 'the sun shade was fitted in 2023' }));
    expect(cleared).toMatchObject({ selected: 3, changed: 2, flagsCleared: 2 });
    const { rows } = await database.pool.query(
      `select r.value, f.cleared_reason, f.cleared_at is not null as cleared from readings r join flags f using (sensor_ref, parameter, ts) order by r.ts`,
    );
    expect(rows).toEqual([20, 21].map((value) => ({ value, cleared_reason: 'the sun shade was fitted in 2023', cleared: true })));
  });

  it('refuses an unknown device, naming the devices, and an empty range', async () => {
    await expect(correctReadings(database, request({ deviceId: 'z' }))).rejects.toThrow('no device z is stored; devices: a, b, c');
    await expect(correctReadings(database, request({ to: new Date('2024-01-01T10:00:00Z') }))).rejects.toThrow(/the range is empty/);
    expect(await count('select 1 from corrections')).toBe(0);
  });
});
