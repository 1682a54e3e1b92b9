import { gunzipSync } from 'node:zlib';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { connectReadOnly, createApiApp } from '../src';
import { documentValidator } from './support/document';
import { HOUR, loadFixture, START, type Fixture } from './support/fixture';

let admin: TestDatabase;
let api: ReturnType<typeof connectReadOnly>;
let app: ReturnType<typeof createApiApp>;
let fixture: Fixture;
let validator: ReturnType<typeof documentValidator>;
const reported: unknown[] = [];

beforeAll(async () => {
  admin = await createTestDatabase();
  fixture = await loadFixture(admin);
  // The app reads through the read-only role, as `airfill serve` and the Lambda do.
  api = connectReadOnly({ kind: 'url', url: admin.url });
  app = createApiApp({ database: api, onError: (error) => reported.push(error) });
  validator = documentValidator((await (await app.request('/api/openapi.json')).json()) as Record<string, unknown>);
});
afterAll(async () => {
  await api.close();
  await admin.drop();
});

const at = (hour: number) => new Date(START + hour * HOUR).toISOString();

/** GETs a path and checks a JSON answer against the document's schema for its route. */
async function get(url: string, headers: Record<string, string> = {}) {
  const response = await app.request(url, { headers });
  const type = response.headers.get('content-type') ?? '';
  const text = await response.text();
  const body = type.includes('json') ? JSON.parse(text) : text;
  const route = new URL(url, 'http://x').pathname.replace(/\/runs\/[^/]+$/, '/runs/{id}');
  if (type.includes('json') && response.status !== 404) expect({ route, status: response.status, errors: validator.check(route, response.status, body) }).toEqual({ route, status: response.status, errors: [] });
  return { status: response.status, headers: response.headers, body, text };
}

describe('GET /api/sensors', () => {
  it('lists every sensor with location, parameters, completeness over 30 days up to the latest reading, health and last reading', async () => {
    const { status, body } = await get('/api/sensors');
    expect(status).toBe(200);
    expect(body.latestReading).toBe(at(71));
    expect(body.window).toEqual({ from: new Date(START + 71 * HOUR + 1 - 30 * 24 * HOUR).toISOString(), to: new Date(START + 71 * HOUR + 1).toISOString() });
    expect(body.sensors.map((s: { deviceId: string }) => s.deviceId)).toEqual(['s1', 's2', 's3']);
    const [s1, s2, s3] = body.sensors;
    expect(s1).toMatchObject({ location: 'Alpha', city: 'Beijing', latitude: 39.98, longitude: 116.39, lastReading: { timestamp: at(71) } });
    expect(s1.parameters).toHaveLength(2);
    expect(s1.parameters.find((p: { parameter: string }) => p.parameter === 'PM 2.5')).toEqual({
      parameter: 'PM 2.5',
      sensorType: 'PMS5003',
      expected: 72,
      valid: 66,
      missing: 6,
      imputed: 4,
      unfilled: 2,
      completeness: 66 / 72,
      lastReading: { timestamp: at(71), value: 10 + 23, filled: 10 + 23 },
    });
    expect(s1.completeness).toBeCloseTo((66 + 72) / 144, 10);
    expect(s1.health).toEqual({ status: 'ok', reasons: ['PM 2.5: 2 missing value(s) not filled yet'], flags: {} });
    // s2 went silent after 40 hours: the hours after still count as expected.
    expect(s2.completeness).toBeCloseTo(40 / 72, 10);
    expect(s2.health.status).toBe('offline');
    expect(s2.health.reasons[0]).toMatch(/^no reading for 32 h/);
    expect(s2.health.reasons[1]).toBe('PM 2.5: 56% of expected readings valid');
    // s3 wrote no rows for 12 hours: rows alone would call it complete; its cadence says 12 were expected.
    expect(s3.completeness).toBeCloseTo(60 / 72, 10);
    expect(s3.health.status).toBe('degraded');
  });

  it('restricts to one parameter and an explicit window', async () => {
    const { body } = await get(`/api/sensors?parameter=PM%2010&from=${at(0)}&to=${at(24)}`);
    expect(body.window).toEqual({ from: at(0), to: at(24) });
    expect(body.sensors).toHaveLength(3);
    expect(body.sensors[0].parameters).toEqual([expect.objectContaining({ parameter: 'PM 10', expected: 24, valid: 24, completeness: 1 })]);
    // Sensors without the parameter are listed, with nothing to judge.
    expect(body.sensors[1]).toMatchObject({ deviceId: 's2', parameters: [], completeness: null, health: { status: 'no-data' } });
  });

  it('answers 400 for a window that is not one, naming the parameter', async () => {
    const inverted = await get(`/api/sensors?from=${at(24)}&to=${at(0)}`);
    expect(inverted.status).toBe(400);
    expect(inverted.body.error).toMatchObject({ status: 400, code: 'bad_request', message: expect.stringMatching(/must be before/) });
    const garbage = await get('/api/sensors?from=yesterday');
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.issues).toEqual([{ path: 'from', message: expect.any(String) }]);
    expect(garbage.body.error.message).toMatch(/^invalid query: from: /);
  });
});

describe('GET /api/completeness', () => {
  it('counts valid against expected readings per sensor, parameter and UTC day', async () => {
    const { status, body } = await get(`/api/completeness?device=s3&parameter=PM%202.5&from=${at(0)}&to=${at(72)}`);
    expect(status).toBe(200);
    expect(body.days).toEqual([
      { deviceId: 's3', parameter: 'PM 2.5', day: '2023-07-01', expected: 24, stored: 24, valid: 24, imputed: 0, completeness: 1 },
      { deviceId: 's3', parameter: 'PM 2.5', day: '2023-07-02', expected: 24, stored: 12, valid: 12, imputed: 0, completeness: 0.5 },
      { deviceId: 's3', parameter: 'PM 2.5', day: '2023-07-03', expected: 24, stored: 24, valid: 24, imputed: 0, completeness: 1 },
    ]);
  });

  it('expects nothing before a sensor first reported', async () => {
    const { body } = await get(`/api/completeness?device=s1&parameter=PM%2010&from=2023-06-29T00:00:00Z&to=${at(24)}`);
    expect(body.days.map((d: { expected: number }) => d.expected)).toEqual([0, 0, 24]);
    expect(body.days[0].completeness).toBeNull();
  });
});

describe('GET /api/series', () => {
  it('gives one point per reading: value, observed, filled value, interval, model and run', async () => {
    const { status, body, headers } = await get('/api/series?device=s1&parameter=PM%202.5');
    expect(status).toBe(200);
    expect(body.points).toHaveLength(72);
    expect(body.next).toBeNull();
    expect(body.points[0]).toEqual({ timestamp: at(0), value: 10, observed: true, filled: 10, lower: null, upper: null, modelVersion: null, runId: null });
    expect(body.points[5]).toEqual({ timestamp: at(5), value: null, observed: false, filled: 105, lower: 100, upper: 110, modelVersion: 'm-test-1', runId: fixture.runId });
    expect(body.points[60]).toEqual({ timestamp: at(60), value: null, observed: false, filled: null, lower: null, upper: null, modelVersion: null, runId: null });
    expect(body.points.filter((p: { observed: boolean }) => !p.observed)).toHaveLength(6);
    // Gaps still open: the answer may change, so it is revalidated (by its ETag).
    expect(headers.get('cache-control')).toBe('no-cache');
    expect(headers.get('etag')).toMatch(/^"[\w-]+"$/);
  });

  it('gives the same points page by page as in one answer, pages ending inside a gap too', async () => {
    const whole = (await get('/api/series?device=s1&parameter=PM%202.5')).body.points;
    const paged: unknown[] = [];
    // Pages of 6 end on hour 5 (the first of three filled hours) and 29 (just before the next gap).
    for (let url: string | null = '/api/series?device=s1&parameter=PM%202.5&limit=6'; url; ) {
      const { body } = await get(url);
      paged.push(...body.points);
      url = body.next;
    }
    expect(paged).toHaveLength(72);
    expect(paged).toEqual(whole);
  });

  it('shows no model or interval on a measured value, also when an imputation of it exists (a late reading)', async () => {
    await admin.pool.query(
      `insert into imputations (sensor_ref, parameter, ts, value, lower, upper, model_version, run_id)
       select sensor_ref, parameter, ts, 999, 990, 1010, 'm-test-1', $2 from readings
        where sensor_ref = (select id from sensors where device_id = 's1') and parameter = 'PM 2.5' and ts = $1`,
      [at(0), fixture.runId],
    );
    try {
      const { body } = await get(`/api/series?device=s1&parameter=PM%202.5&to=${at(8)}`);
      expect(body.points[0]).toEqual({ timestamp: at(0), value: 10, observed: true, filled: 10, lower: null, upper: null, modelVersion: null, runId: null });
      expect(body.points[5]).toMatchObject({ filled: 105, modelVersion: 'm-test-1' });
    } finally {
      await admin.pool.query(`delete from imputations where value = 999`);
    }
  });

  it('pages with a next link until the window is done', async () => {
    const first = await get('/api/series?device=s1&parameter=PM%202.5&limit=50');
    expect(first.body.points).toHaveLength(50);
    expect(first.body.next).toBe(`/api/series?device=s1&parameter=PM+2.5&limit=50&after=${encodeURIComponent(at(49))}`);
    const second = await get(first.body.next);
    expect(second.body.points).toHaveLength(22);
    expect(second.body.points[0].timestamp).toBe(at(50));
    expect(second.body.next).toBeNull();
  });

  it('answers CSV for format=csv and for Accept: text/csv, with a Link to the next page', async () => {
    const byFormat = await get('/api/series?device=s1&parameter=PM%202.5&format=csv');
    expect(byFormat.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = byFormat.text.trim().split('\n');
    expect(lines).toHaveLength(73);
    expect(lines[0]).toBe('timestamp,value,observed,filled,lower,upper,model_version,run_id');
    expect(lines[6]).toBe(`${at(5)},,false,105,100,110,m-test-1,${fixture.runId}`);
    expect(lines[61]).toBe(`${at(60)},,false,,,,,`);
    const byAccept = await get('/api/series?device=s1&parameter=PM%202.5&limit=10', { Accept: 'text/csv' });
    expect(byAccept.text.trim().split('\n')).toHaveLength(11);
    expect(byAccept.headers.get('link')).toBe(`</api/series?device=s1&parameter=PM+2.5&limit=10&after=${encodeURIComponent(at(9))}>; rel="next"`);
  });

  it('gzips a large answer for a client that accepts it, with the same ETag as the plain one', async () => {
    const url = '/api/series?device=s1&parameter=PM%202.5';
    const plain = await app.request(url);
    const zipped = await app.request(url, { headers: { 'Accept-Encoding': 'gzip, deflate' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toBe('Accept-Encoding');
    expect(zipped.headers.get('etag')).toBe(plain.headers.get('etag'));
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString()).toBe(await plain.text());
    const small = await app.request('/api/runs/00000000-0000-4000-8000-000000000000', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(small.headers.get('content-encoding')).toBeNull();
  });

  it('lets caches keep a settled past window and answers 304 to a matching If-None-Match', async () => {
    const url = `/api/series?device=s1&parameter=PM%202.5&from=${at(0)}&to=${at(24)}`;
    const first = await get(url);
    expect(first.body.points).toHaveLength(24);
    expect(first.headers.get('cache-control')).toBe('public, max-age=3600');
    const again = await app.request(url, { headers: { 'If-None-Match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const changed = await app.request(url, { headers: { 'If-None-Match': '"other"' } });
    expect(changed.status).toBe(200);
  });

  it.each([
    ['no device', '/api/series?parameter=PM%202.5', /device: /],
    ['a limit of 0', '/api/series?device=s1&parameter=PM%202.5&limit=0', /limit: /],
    ['a limit over 10,000', '/api/series?device=s1&parameter=PM%202.5&limit=10001', /limit: /],
    ['a format it does not speak', '/api/series?device=s1&parameter=PM%202.5&format=xml', /format: /],
    ['a window over 31 days', `/api/series?device=s1&parameter=PM%202.5&from=2023-05-01T00:00:00Z&to=${at(0)}`, /longer than 31 days; ask \/api\/series\/summary/],
    ['a time without offset', '/api/series?device=s1&parameter=PM%202.5&from=2023-07-01T00:00:00', /from: /],
  ])('answers 400 for %s', async (_name, url, message) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body.error.message).toMatch(message);
  });

  it('answers 404 for an unknown device or a parameter the device does not measure, saying what exists', async () => {
    const device = await get('/api/series?device=nope&parameter=PM%202.5');
    expect(device).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'device nope does not exist' } } });
    const parameter = await get('/api/series?device=s1&parameter=O3');
    expect(parameter.status).toBe(404);
    expect(parameter.body.error.message).toBe('device s1 has no parameter "O3"; it measures "PM 10", "PM 2.5"');
  });
});

describe('GET /api/series/summary', () => {
  it('downsamples on the server: per bucket the means, counts of observed, imputed and unfilled, and the widest interval', async () => {
    const { status, body } = await get(`/api/series/summary?device=s1&parameter=PM%202.5&from=${at(0)}&to=${at(72)}&points=3`);
    expect(status).toBe(200);
    expect(body.bucketSeconds).toBe(86_400);
    expect(body.buckets).toHaveLength(3);
    expect(body.buckets.map((b: Record<string, number>) => [b.observedCount, b.imputedCount, b.unfilledCount])).toEqual([
      [21, 3, 0],
      [22, 1, 1],
      [23, 0, 1],
    ]);
    expect(body.buckets[0]).toMatchObject({ timestamp: at(0), lower: 100, upper: 112, min: 10 });
  });
});

describe('GET /api/runs and /api/runs/{id}', () => {
  it('lists runs newest first with what each found, filled and why it failed, paged by a next link', async () => {
    const { body } = await get('/api/runs');
    expect(body.runs.map((r: { runId: string }) => r.runId)).toEqual([fixture.failedRunId, fixture.runId]);
    expect(body.runs[0]).toMatchObject({ status: 'failed', error: { name: 'TransformJobFailedError', message: 'the transform job failed' } });
    expect(body.runs[1]).toMatchObject({ status: 'succeeded', found: 6, predicted: 4, written: 4, modelVersion: 'm-test-1', error: null });
    expect(body.runs[1].durationMs).toBeGreaterThanOrEqual(0);
    const page = await get('/api/runs?limit=1');
    expect(page.body.runs).toHaveLength(1);
    const rest = await get(page.body.next);
    expect(rest.body.runs.map((r: { runId: string }) => r.runId)).toEqual([fixture.runId]);
    expect(rest.body.next).toBeNull();
    const failed = await get('/api/runs?status=failed');
    expect(failed.body.runs).toHaveLength(1);
  });

  it('shows one run with what it filled per sensor; 404 for an unknown id, 400 for one that is not a UUID', async () => {
    const { body } = await get(`/api/runs/${fixture.runId}`);
    expect(body.sensors).toEqual([{ deviceId: 's1', imputed: 4, from: at(5), to: at(30) }]);
    const unknown = await get('/api/runs/00000000-0000-4000-8000-000000000000');
    expect(unknown).toMatchObject({ status: 404, body: { error: { message: 'run 00000000-0000-4000-8000-000000000000 does not exist' } } });
    const bad = await get('/api/runs/abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('id');
    expect(await get('/api/runs?status=lost')).toMatchObject({ status: 400 });
  });
});

describe('GET /api/models and /api/status', () => {
  it('lists registered models with metrics, and per parameter the current and the last used model', async () => {
    const { body } = await get('/api/models');
    expect(body.models).toEqual([
      expect.objectContaining({ version: 'm-test-1', parameter: 'PM 2.5', status: 'current', featureContract: 'airfill-features-2', metrics: expect.objectContaining({ model: { mae: 8.7, rmse: 15.2, r2: 0.95 } }) }),
    ]);
    expect(body.parameters).toEqual([{ parameter: 'PM 2.5', current: 'm-test-1', lastUsed: 'm-test-1', lastUsedAt: expect.any(String) }]);
    expect((await get('/api/models?parameter=O3')).body).toEqual({ models: [], parameters: [] });
  });

  it('gives the status --json object', async () => {
    const { body } = await get('/api/status');
    expect(body).toEqual({
      sensors: 3,
      readings: 144 + 40 + 60,
      missing: 6,
      imputed: 4,
      unfilled: 2,
      parameters: { 'PM 10': { readings: 72, missing: 0, imputed: 0, unfilled: 0 }, 'PM 2.5': { readings: 72 + 40 + 60, missing: 6, imputed: 4, unfilled: 2 } },
    });
  });
});

describe('errors and the document', () => {
  it('answers JSON 404 for an unknown API route', async () => {
    const { status, body } = await get('/api/nothing');
    expect(status).toBe(404);
    expect(body.error.message).toBe('no route GET /api/nothing; see /api/openapi.json');
  });

  it('answers 503 with a clear message when the database is unreachable, and reports it', async () => {
    const down = connectReadOnly({ kind: 'url', url: 'postgres://nobody@127.0.0.1:1/none' });
    const offline = createApiApp({ database: down, onError: (error) => reported.push(error) });
    const response = await offline.request('/api/status');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: { status: 503, code: 'unavailable', message: 'the database cannot be reached; retry later' } });
    expect(reported).toHaveLength(1);
    await down.close();
  });

  it('serves an OpenAPI 3.1 document that validates and names every route', async () => {
    const document = (await (await app.request('/api/openapi.json')).json()) as { paths: Record<string, { get: { parameters: { name: string }[] } }> };
    expect(validator.documentErrors).toEqual([]);
    expect(Object.keys(document.paths).sort()).toEqual(
      ['/api/completeness', '/api/models', '/api/runs', '/api/runs/{id}', '/api/sensors', '/api/series', '/api/series/summary', '/api/status'].sort(),
    );
    expect(document.paths['/api/series']?.get.parameters.map((p: { name: string }) => p.name)).toEqual(['device', 'parameter', 'from', 'to', 'after', 'limit', 'format']);
  });
});
