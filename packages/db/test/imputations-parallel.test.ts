import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { DatabaseInputError, ImputationWriteIncompleteError, openRun, splitBySensor, writeImputations, type Imputation } from '../src';

let database: TestDatabase;
const DEVICES = ['p1', 'p2', 'p3', 'p4'];
const HOURS = 48;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.pool.query(`
    insert into sensors (device_id, latitude, longitude) select 'p' || g, 1, 2 from generate_series(1, 4) g;
    select ensure_readings_partitions('1999-12-01T00:00:00Z', '2024-01-03T00:00:00Z');
    insert into readings (sensor_ref, parameter, ts, value, raw_value)
    select s.id, p, '2024-01-01T00:00:00Z'::timestamptz + make_interval(hours => h), case when h % 2 = 0 then null else 10 end, '10'
      from sensors s, generate_series(0, ${HOURS - 1}) h, unnest(array['PM 2.5', 'PM 10']) p;
  `);
});
afterAll(() => database.drop());

/** A prediction for every missing reading of the devices (both parameters), in an order unlike the key's. */
function predictionsFor(devices: readonly string[]): Imputation[] {
  const rows: Imputation[] = [];
  for (let hour = 0; hour < HOURS; hour += 2) {
    for (const deviceId of devices) {
      for (const parameter of ['PM 10', 'PM 2.5']) {
        rows.push({ deviceId, parameter, ts: new Date(Date.UTC(2024, 0, 1, hour)), value: hour + 0.25, lower: hour, upper: hour + 1 });
      }
    }
  }
  return rows;
}

async function storedOf(runId: string): Promise<{ device_id: string; parameter: string; ts: Date; value: number; lower: number; upper: number }[]> {
  const { rows } = await database.pool.query(
    `select s.device_id, i.parameter, i.ts, i.value, i.lower, i.upper from imputations i join sensors s on s.id = i.sensor_ref where i.run_id = $1 order by 1, 2, 3`,
    [runId],
  );
  return rows;
}

afterEach(() => database.pool.query('delete from imputations'));

describe('writeImputations in parallel transactions', () => {
  it('stores the same rows with the same counts whether one transaction or several write them, and a repeat stores nothing', async () => {
    const predictions = predictionsFor(DEVICES);
    const single = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const one = await writeImputations(database, { runId: single.runId, modelVersion: 'm1', imputations: predictions }, { transactions: 1 });
    const storedByOne = await storedOf(single.runId);
    await database.pool.query('delete from imputations');

    const parallel = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const three = await writeImputations(database, { runId: parallel.runId, modelVersion: 'm1', imputations: predictions }, { transactions: 3 });
    expect(three).toEqual({ received: 192, written: 192, alreadyImputed: 0, notMissing: 0, unknownSensor: 0 });
    expect(one).toEqual(three);
    const storedByThree = await storedOf(parallel.runId);
    expect(storedByThree).toHaveLength(192);
    expect(storedByThree).toEqual(storedByOne);
    expect(storedByThree[0]).toEqual({ device_id: 'p1', parameter: 'PM 10', ts: new Date('2024-01-01T00:00:00Z'), value: 0.25, lower: 0, upper: 1 });

    const again = await writeImputations(database, { runId: parallel.runId, modelVersion: 'm1', imputations: predictions }, { transactions: 4 });
    expect(again).toEqual({ received: 192, written: 0, alreadyImputed: 192, notMissing: 0, unknownSensor: 0 });
  });

  it('counts observed readings, unknown devices and imputed readings exactly across transactions', async () => {
    const run = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const half = predictionsFor(['p1', 'p2']);
    await writeImputations(database, { runId: run.runId, modelVersion: 'm1', imputations: half }, { transactions: 1 });
    const observed = DEVICES.map((deviceId) => ({ deviceId, parameter: 'PM 2.5', ts: new Date('2024-01-01T01:00:00Z'), value: 3 }));
    const unknown = [{ deviceId: 'nobody', parameter: 'PM 2.5', ts: new Date('2024-01-01T00:00:00Z'), value: 3 }];
    const result = await writeImputations(database, { runId: run.runId, modelVersion: 'm1', imputations: [...predictionsFor(DEVICES), ...observed, ...unknown] }, { transactions: 4 });
    expect(result).toEqual({ received: 197, written: 96, alreadyImputed: 96, notMissing: 4, unknownSensor: 1 });
    expect(await storedOf(run.runId)).toHaveLength(192);
  });

  it('after a transaction fails while others commit, says so, and writing the batch again stores the rest and nothing twice', async () => {
    const run = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const predictions = predictionsFor(DEVICES);
    // A real failure inside one transaction: the server refuses p4's rows (as a crash or a lost connection would end that transaction).
    await database.pool.query(`
      create function refuse_p4() returns trigger language plpgsql as $$
      begin
        if new.sensor_ref = (select id from sensors where device_id = 'p4') then raise exception 'p4 refused for the test'; end if;
        return new;
      end $$;
      create trigger refuse_p4 before insert on imputations for each row execute function refuse_p4();`);
    try {
      const failed = writeImputations(database, { runId: run.runId, modelVersion: 'm1', imputations: predictions }, { transactions: 2 });
      await expect(failed).rejects.toThrow(ImputationWriteIncompleteError);
      await expect(failed).rejects.toThrow(/1 of 2 write transactions failed after 1 committed 96 imputations; writing the same batch again stores the rest: p4 refused/);
    } finally {
      await database.pool.query('drop trigger refuse_p4 on imputations; drop function refuse_p4()');
    }
    const committed = await storedOf(run.runId);
    expect(committed).toHaveLength(96);
    expect(new Set(committed.map((row) => row.device_id))).toEqual(new Set(['p1', 'p2']));

    const retry = await writeImputations(database, { runId: run.runId, modelVersion: 'm1', imputations: predictions }, { transactions: 2 });
    expect(retry).toEqual({ received: 192, written: 96, alreadyImputed: 96, notMissing: 0, unknownSensor: 0 });
    const stored = await storedOf(run.runId);
    expect(stored).toHaveLength(192);
    expect(new Set(stored.map((row) => `${row.device_id}/${row.parameter}/${row.ts.toISOString()}`)).size).toBe(192);
  });

  it('stores a reading the batch repeats once, with its first prediction, counting the repeat as already imputed', async () => {
    const run = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const [first, second] = predictionsFor(['p1']);
    const result = await writeImputations(database, {
      runId: run.runId,
      modelVersion: 'm1',
      imputations: [first!, second!, { ...first!, value: 99, lower: null, upper: null }],
    });
    expect(result).toEqual({ received: 3, written: 2, alreadyImputed: 1, notMissing: 0, unknownSensor: 0 });
    const stored = await storedOf(run.runId);
    expect(stored).toHaveLength(2);
    expect(stored.filter((row) => row.parameter === first!.parameter)).toEqual([
      { device_id: 'p1', parameter: first!.parameter, ts: first!.ts, value: first!.value, lower: first!.lower, upper: first!.upper },
    ]);
  });

  it('refuses an unknown run as a DatabaseInputError from every transaction alike, storing nothing', async () => {
    const write = writeImputations(
      database,
      { runId: '00000000-0000-4000-8000-000000000001', modelVersion: 'm1', imputations: predictionsFor(DEVICES) },
      { transactions: 3 },
    );
    await expect(write).rejects.toThrow(DatabaseInputError);
    await expect(write).rejects.toThrow(/does not exist/);
    expect((await database.pool.query('select count(*)::int as n from imputations')).rows[0].n).toBe(0);
  });

  it('refuses a number of transactions that is not a whole number of at least 1, a run id that is not a UUID and an invalid time', async () => {
    const run = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const write = (transactions: number) => writeImputations(database, { runId: run.runId, modelVersion: 'm1', imputations: predictionsFor(['p1']) }, { transactions });
    await expect(write(0)).rejects.toThrow(/transactions must be a whole number of at least 1, not 0/);
    await expect(write(1.5)).rejects.toThrow(DatabaseInputError);
    await expect(writeImputations(database, { runId: 'run-1', modelVersion: 'm1', imputations: [] })).rejects.toThrow(/run id "run-1" is not a UUID/);
    const badTime = [{ deviceId: 'p1', parameter: 'PM 2.5', ts: new Date('not a time'), value: 1 }];
    await expect(writeImputations(database, { runId: run.runId, modelVersion: 'm1', imputations: badTime })).rejects.toThrow(/imputation 0 \(p1, PM 2.5\) has an invalid time/);
  });

  it('keeps times exactly, before 2000 and to the millisecond, with texts in any script and intervals absent', async () => {
    await database.pool.query(`
      insert into sensors (device_id, latitude, longitude) values ('capteur-é', 1, 2);
      insert into readings (sensor_ref, parameter, ts, value, raw_value)
      select id, 'NO₂ µg/m³', t, null, '' from sensors, unnest(array['1999-12-31T23:59:59.999Z', '2024-01-02T03:04:05.678Z']::timestamptz[]) t where device_id = 'capteur-é';`);
    const run = await openRun(database, { trigger: 'test', parameter: 'NO₂ µg/m³' });
    const imputations = [
      { deviceId: 'capteur-é', parameter: 'NO₂ µg/m³', ts: new Date('1999-12-31T23:59:59.999Z'), value: -1.5e-7 },
      { deviceId: 'capteur-é', parameter: 'NO₂ µg/m³', ts: new Date('2024-01-02T03:04:05.678Z'), value: 12345.678, lower: 12000.5, upper: 13000 },
    ];
    const result = await writeImputations(database, { runId: run.runId, modelVersion: 'modèle-1', imputations });
    expect(result).toEqual({ received: 2, written: 2, alreadyImputed: 0, notMissing: 0, unknownSensor: 0 });
    const { rows } = await database.pool.query(`select ts, value, lower, upper, model_version from imputations where run_id = $1 order by ts`, [run.runId]);
    expect(rows).toEqual([
      { ts: new Date('1999-12-31T23:59:59.999Z'), value: -1.5e-7, lower: null, upper: null, model_version: 'modèle-1' },
      { ts: new Date('2024-01-02T03:04:05.678Z'), value: 12345.678, lower: 12000.5, upper: 13000, model_version: 'modèle-1' },
    ]);
  });
});

describe('splitBySensor', () => {
  const rows = [1, 1, 1, 2, 3, 3, 4, 4, 4, 4, 5].map((sensorRef, index) => ({ sensorRef, index }));

  it('cuts rows sorted by sensor into contiguous groups of whole sensors that cover every row once', () => {
    for (const count of [1, 2, 3, 4, 5, 8]) {
      const groups = splitBySensor(rows, count);
      expect(groups.length).toBeLessThanOrEqual(count);
      expect(groups.flat()).toEqual(rows);
      const sensorsPerGroup = groups.map((group) => new Set(group.map((row) => row.sensorRef)));
      const sensorsInAll = sensorsPerGroup.reduce((total, sensors) => total + sensors.size, 0);
      expect(sensorsInAll).toBe(5);
      expect(groups.filter((group) => group.length > 0)).toHaveLength(groups.length);
    }
  });

  it('never makes more groups than sensors', () => {
    expect(splitBySensor(rows, 20)).toHaveLength(5);
    expect(splitBySensor([], 3)).toEqual([]);
  });
});
