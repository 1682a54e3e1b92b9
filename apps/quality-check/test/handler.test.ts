import { listAlerts } from '@airfill/db';
import { createTestDatabase, seedReadings, type TestDatabase } from '@airfill/pipeline/testing';
import { handler } from '../src/handler';

let database: TestDatabase;
const saved = { ...process.env };

beforeAll(async () => {
  database = await createTestDatabase();
  await seedReadings(database);
  // Sensor a reports an impossible value, sensor b a value the configured range excludes.
  await database.pool.query(`update readings set value = -5, raw_value = '-5' where parameter = 'PM 2.5' and ts = '2024-03-01T03:00:00Z' and sensor_ref = (select id from sensors where device_id = 'a')`);
  await database.pool.query(`update readings set value = 1200, raw_value = '1200' where parameter = 'PM 2.5' and ts = '2024-03-01T05:00:00Z' and sensor_ref = (select id from sensors where device_id = 'b')`);
  Object.assign(process.env, {
    AIRFILL_ENV: 'dev',
    AIRFILL_QUALITY_CONFIG: JSON.stringify({ alerts: { deadHours: 2 } }),
    AIRFILL_PLAUSIBILITY: JSON.stringify({ ranges: { 'PM 2.5': { min: 0, max: 1000 } } }),
    DATABASE_URL: database.url,
  });
});
afterAll(async () => {
  process.env = saved;
  await database.drop();
});

describe('quality-check handler', () => {
  it('checks the stored readings with the ranges of AIRFILL_PLAUSIBILITY and the thresholds of AIRFILL_QUALITY_CONFIG', async () => {
    const result = await handler({ executionId: 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:qc1', input: { trigger: 'schedule' } });
    expect(result).toMatchObject({ invalid: 2, nulled: 2, window: { from: '2024-03-01T00:00:00.000Z', to: '2024-03-02T23:00:00.001Z' } });
    const { rows } = await database.pool.query(`select s.device_id, f.detail from flags f join sensors s on s.id = f.sensor_ref order by 1`);
    expect(rows).toEqual([
      { device_id: 'a', detail: '-5 is outside the plausible range of PM 2.5, 0 to 1000 (configured)' },
      { device_id: 'b', detail: '1200 is outside the plausible range of PM 2.5, 0 to 1000 (configured)' },
    ]);
    // With dead sensors after 2 hours, b's four missing hours of PM 2.5 are an episode; one alert, raised by this run.
    expect((await listAlerts(database)).map((alert) => [alert.deviceId, alert.parameter, alert.kind, alert.raisedRunId])).toEqual([['b', 'PM 2.5', 'dead', result.runId]]);
  });
});
