/**
 * The read API's completeness and quality control's data capture are one
 * definition: a reading flagged `invalid` is not valid (its value is set
 * aside), a `suspect` one is, and a cleared flag makes it valid again. The
 * API's answers over flagged data are held equal to `dailyCompleteness` of
 * `@airfill/quality` given the readings as loaded and the open flags.
 */
import { correctReadings, iterateFlags, openRun, startQualityCheck, writeQualityFlags, type FoundFlag } from '@airfill/db';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { type Observation } from '@airfill/features';
import { dailyCompleteness, type QualityFlag } from '@airfill/quality';
import { connectReadOnly, createApiApp } from '../src';
import { HOUR, loadFixture, START } from './support/fixture';

let admin: TestDatabase;
let api: ReturnType<typeof connectReadOnly>;
let app: ReturnType<typeof createApiApp>;
/** Every reading as the loader stored it, before quality control touched any. */
let loaded: Observation[];

const at = (hour: number) => new Date(START + hour * HOUR);

/** s3's PM 2.5: eight invalid hours on day 1, a suspect one, and an invalid one on day 3 that a person clears. */
const INVALID_DAY1 = [2, 3, 4, 5, 6, 7, 8, 9];
const SUSPECT = 10;
const CLEARED = 50;
const flag = (hour: number, severity: FoundFlag['severity'], check: string): FoundFlag => ({ deviceId: 's3', parameter: 'PM 2.5', ts: at(hour).getTime(), check, severity, detail: `test ${check}` });

beforeAll(async () => {
  admin = await createTestDatabase();
  await loadFixture(admin);
  const { rows } = await admin.pool.query<{ device_id: string; parameter: string; ts: Date; value: number | null }>(
    `select s.device_id, r.parameter, r.ts, r.value from readings r join sensors s on s.id = r.sensor_ref order by 1, 2, 3`,
  );
  loaded = rows.map((row) => ({ deviceId: row.device_id, parameter: row.parameter, ts: row.ts.getTime(), value: row.value }));

  const run = await openRun(admin, { trigger: 'manual', parameter: 'PM 2.5' });
  await startQualityCheck(admin, { runId: run.runId, window: { from: at(0), to: at(72) }, read: { from: at(0), to: at(72) } });
  const written = await writeQualityFlags(admin, run.runId, [...INVALID_DAY1.map((hour) => flag(hour, 'invalid', 'stuck')), flag(SUSPECT, 'suspect', 'spike'), flag(CLEARED, 'invalid', 'range')]);
  expect(written).toEqual({ invalid: 9, suspect: 1, nulled: 9 });
  const cleared = await correctReadings(admin, {
    action: 'clear',
    deviceId: 's3',
    parameter: 'PM 2.5',
    from: at(CLEARED),
    to: at(CLEARED + 1),
    check: 'range',
    reason: 'checked on site: a real peak',
    requestedBy: 'test',
    featureWindow: { beforeMs: 0, afterMs: 0 },
  });
  expect(cleared).toMatchObject({ flagsCleared: 1, changed: 1 });

  api = connectReadOnly({ kind: 'url', url: admin.url });
  app = createApiApp({ database: api });
});
afterAll(async () => {
  await api.close();
  await admin.drop();
});

/** The open flags, as quality control's pure functions take them. */
async function openFlags(): Promise<QualityFlag[]> {
  const flags: QualityFlag[] = [];
  for await (const page of iterateFlags(admin)) {
    for (const stored of page) flags.push({ deviceId: stored.deviceId, parameter: stored.parameter, ts: stored.ts.getTime(), check: stored.check as QualityFlag['check'], severity: stored.severity, detail: stored.detail });
  }
  return flags;
}

describe('completeness leaves out invalid-flagged readings, as quality control counts them', () => {
  it('GET /api/completeness: the invalid hours are not valid, the suspect and the cleared ones are', async () => {
    const response = await app.request(`/api/completeness?device=s3&parameter=PM%202.5&from=${at(0).toISOString()}&to=${at(72).toISOString()}`);
    expect(response.status).toBe(200);
    const { days } = (await response.json()) as { days: { day: string; expected: number; stored: number; valid: number; completeness: number | null }[] };
    expect(days.map((d) => [d.day, d.expected, d.stored, d.valid])).toEqual([
      ['2023-07-01', 24, 24, 24 - INVALID_DAY1.length],
      ['2023-07-02', 24, 12, 12],
      ['2023-07-03', 24, 24, 24],
    ]);
  });

  it('equals dailyCompleteness of @airfill/quality for every sensor, parameter and day', async () => {
    const flags = await openFlags();
    expect(flags.map((f) => [f.ts, f.severity])).toEqual([...INVALID_DAY1.map((hour) => [at(hour).getTime(), 'invalid']), [at(SUSPECT).getTime(), 'suspect']]);
    const pure = dailyCompleteness(loaded, { flags, from: at(0).getTime(), to: at(72).getTime() });

    const response = await app.request(`/api/completeness?from=${at(0).toISOString()}&to=${at(72).toISOString()}`);
    const { days } = (await response.json()) as { days: { deviceId: string; parameter: string; day: string; expected: number; valid: number; completeness: number | null }[] };
    const fromApi = days.filter((d) => d.expected > 0).map((d) => ({ deviceId: d.deviceId, parameter: d.parameter, day: d.day, expected: d.expected, valid: d.valid, capture: d.completeness }));
    const fromPure = pure.map((d) => ({ deviceId: d.deviceId, parameter: d.parameter, day: d.day, expected: d.expected, valid: d.valid, capture: d.capture }));
    // 3 sensors x 3 days of PM 2.5, and s1's PM 10.
    expect(fromApi).toHaveLength(12);
    expect(fromApi).toEqual(fromPure);
  });

  it('GET /api/sensors grades the sensor on the same count', async () => {
    const response = await app.request(`/api/sensors?parameter=PM%202.5&from=${at(0).toISOString()}&to=${at(72).toISOString()}`);
    const body = (await response.json()) as { sensors: { deviceId: string; parameters: { parameter: string; expected: number; valid: number; completeness: number | null }[] }[] };
    const s3 = body.sensors.find((sensor) => sensor.deviceId === 's3')!;
    const pure = dailyCompleteness(
      loaded.filter((o) => o.deviceId === 's3' && o.parameter === 'PM 2.5'),
      { flags: await openFlags(), from: at(0).getTime(), to: at(72).getTime() },
    );
    const valid = pure.reduce((sum, day) => sum + day.valid, 0);
    expect(valid).toBe(72 - 12 - INVALID_DAY1.length);
    expect(s3.parameters).toEqual([expect.objectContaining({ parameter: 'PM 2.5', expected: 72, valid, completeness: valid / 72 })]);
  });
});
