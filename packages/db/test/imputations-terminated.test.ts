import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { openRun, writeImputations } from '../src';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.pool.query(`
    insert into sensors (device_id, latitude, longitude) values ('t1', 1, 2);
    select ensure_readings_partitions('2024-01-01T00:00:00Z', '2024-01-03T00:00:00Z');
    insert into readings (sensor_ref, parameter, ts, value, raw_value)
    select s.id, 'PM 2.5', '2024-01-01T00:00:00Z'::timestamptz + make_interval(hours => h), null, ''
      from sensors s, generate_series(0, 47) h;`);
});
afterAll(() => database.drop());

describe('writeImputations when the server ends its connection mid-COPY', () => {
  it('fails with the server error, stores nothing of that transaction, and the next write stores everything', async () => {
    const run = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const imputations = Array.from({ length: 48 }, (_, hour) => ({ deviceId: 't1', parameter: 'PM 2.5', ts: new Date(Date.UTC(2024, 0, 1, hour)), value: hour }));
    // The backend ends itself on the first row (as a failover or an administrator would end it).
    await database.pool.query(`
      create function end_backend() returns trigger language plpgsql as $$
      begin perform pg_terminate_backend(pg_backend_pid()); perform pg_sleep(1); return new; end $$;
      create trigger end_backend before insert on imputations for each row execute function end_backend();`);
    try {
      await expect(writeImputations(database, { runId: run.runId, modelVersion: 'm1', imputations })).rejects.toMatchObject({ code: '57P01' });
    } finally {
      await database.pool.query('drop trigger end_backend on imputations; drop function end_backend()');
    }
    expect((await database.pool.query('select count(*)::int as n from imputations')).rows[0].n).toBe(0);
    const retry = await writeImputations(database, { runId: run.runId, modelVersion: 'm1', imputations });
    expect(retry).toEqual({ received: 48, written: 48, alreadyImputed: 0, notMissing: 0, unknownSensor: 0 });
  });
});
