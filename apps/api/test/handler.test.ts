import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { buildBundle, createTestDatabase, type TestDatabase } from '@airfill/pipeline/testing';

const app = path.resolve(__dirname, '..');
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.pool.query(`insert into sensors (device_id, latitude, longitude) values ('s1', 39.9, 116.4)`);
  await database.pool.query(`insert into sensor_channels (sensor_ref, parameter) select id, 'PM 2.5' from sensors`);
  await database.pool.query(`select ensure_readings_partitions('2023-07-01T00:00:00Z', '2023-07-01T23:00:00Z')`);
  await database.pool.query(
    `insert into readings (sensor_ref, parameter, ts, value) select s.id, 'PM 2.5', '2023-07-01T00:00:00Z'::timestamptz + n * interval '1 hour', case when n = 3 then null else n end
       from sensors s, generate_series(0, 23) n`,
  );
  buildBundle(app);
}, 120_000);
afterAll(() => database.drop());

/** An API Gateway HTTP API event (payload format 2.0) for a GET. */
function event(rawPath: string, rawQueryString = '', headers: Record<string, string> = {}) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: { host: 'api.example.com', ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      http: { method: 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jul/2023:00:00:00 +0000',
      timeEpoch: 1688169600000,
    },
    isBase64Encoded: false,
  };
}

type Answer = { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean };

/**
 * Invokes the built bundle with several events in one fresh Node process, as
 * the Lambda runtime would (a warm container reuses its pool), then exits:
 * the pool's idle connections would otherwise hold the process for seconds.
 */
function invokeAll(events: ReturnType<typeof event>[]): Answer[] {
  const script = `const { handler } = require(${JSON.stringify(path.join(app, 'dist/index.js'))});
    (async () => { const answers = []; for (const e of ${JSON.stringify(events)}) answers.push(await handler(e)); console.log(JSON.stringify(answers)); process.exit(0); })()
      .catch((error) => { console.log(JSON.stringify({ error: error.message })); process.exit(1); });`;
  const output = execFileSync(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', DATABASE_URL: database.url, AIRFILL_LOG_LEVEL: 'error' },
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').at(-1)!) as Answer[];
}

describe('api Lambda bundle', () => {
  it('answers API Gateway events from the same app: status, a series page and its CSV, JSON errors', () => {
    const [status, series, csv, bad, unknown, runs] = invokeAll([
      event('/api/status'),
      event('/api/series', 'device=s1&parameter=PM%202.5&limit=5'),
      event('/api/series', 'device=s1&parameter=PM%202.5&format=csv'),
      event('/api/series', 'device=s1'),
      event('/api/series', 'device=nope&parameter=PM%202.5'),
      event('/api/runs'),
    ]);
    expect(status!.statusCode).toBe(200);
    expect(JSON.parse(status!.body)).toMatchObject({ sensors: 1, readings: 24, missing: 1, unfilled: 1 });
    const page = JSON.parse(series!.body) as { points: unknown[]; next: string };
    expect(page.points).toHaveLength(5);
    expect(page.next).toBe('/api/series?device=s1&parameter=PM+2.5&limit=5&after=2023-07-01T04%3A00%3A00.000Z');
    expect(csv!.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv!.body.trim().split('\n')).toHaveLength(25);
    expect(bad!.statusCode).toBe(400);
    expect(JSON.parse(bad!.body).error.message).toMatch(/^invalid query: parameter: /);
    expect(unknown!.statusCode).toBe(404);
    expect(JSON.parse(runs!.body)).toEqual({ runs: [], next: null });
  });
});
