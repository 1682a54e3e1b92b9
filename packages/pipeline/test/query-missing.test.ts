import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { failRun, getRun, openRun, writeImputations } from '@airfill/db';
import { loadModelFromSet, type LoadedModel } from '@airfill/model';
import { contextRecordSchema, missingRecordSchema, probeRecordSchema, runKeys, type ContextRecord } from '@airfill/schema';
import { getText, listKeys, parseJsonLines, queryMissing, runIdFor, silentLogger, type Bucket } from '../src';
import { startLocalS3, type LocalS3 } from '../src/local-s3';
import { countRows, PARAMETER, seedReadings } from './support/seed';

/** The context file's series, one record per observed value. */
function observationsOf(context: readonly ContextRecord[]): { deviceId: string; parameter: string; ts: number; value: number }[] {
  return context.flatMap((row) => (row.kind === 'series' ? row.ts.map((ts, i) => ({ deviceId: row.deviceId, parameter: row.parameter, ts, value: row.values[i] as number })) : []));
}

let database: TestDatabase;
let local: LocalS3;
let model: LoadedModel;

beforeAll(async () => {
  [database, local, model] = await Promise.all([createTestDatabase(), startLocalS3(), loadModelFromSet(PARAMETER).then((found) => found!)]);
  await seedReadings(database);
});
afterAll(async () => {
  await Promise.all([database.drop(), local.stop()]);
});

const execution = (name: string) => `arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:${name}`;
/** Without the live check (livePoints 0) unless a test turns it on, so the claims stand alone. */
const settings = (maxReadings: number, livePoints = 0) => ({ maxReadings, livePoints, contractOf: async (parameter: string) => (parameter === PARAMETER ? model.contract : undefined) });
const deps = (bucket: Bucket) => ({ database, bucket, logger: silentLogger });

async function releaseAll() {
  await database.pool.query('delete from claims');
}

describe('queryMissing', () => {
  afterEach(releaseAll);

  it('opens the run, claims the missing readings and writes them with their context to retrieved_from_db/', async () => {
    const bucket = await local.bucket();
    const result = await queryMissing(deps(bucket), settings(100), { executionId: execution('e1'), parameter: PARAMETER, input: { trigger: 'test' } });
    const runId = runIdFor(execution('e1'), PARAMETER);
    expect(result).toEqual({ executionId: execution('e1'), runId, parameter: PARAMETER, chunk: 0, found: 5, probes: 0, bucket: bucket.name, keys: { missing: runKeys(runId).missing, context: runKeys(runId).context } });
    const missing = parseJsonLines(await getText(bucket, runKeys(runId).missing), missingRecordSchema, 'missing');
    expect(missing.map((row) => [row.id, row.deviceId, row.ts])).toEqual([
      [0, 'b', '2024-03-01T10:00:00.000Z'],
      [1, 'b', '2024-03-01T11:00:00.000Z'],
      [2, 'b', '2024-03-01T12:00:00.000Z'],
      [3, 'b', '2024-03-01T13:00:00.000Z'],
      [4, 'c', '2024-03-02T06:00:00.000Z'],
    ]);
    const context = parseJsonLines(await getText(bucket, runKeys(runId).context), contextRecordSchema, 'context');
    const sites = context.filter((row) => row.kind === 'site');
    const observations = observationsOf(context);
    expect(sites.map((site) => site.deviceId)).toEqual(['a', 'b', 'c']);
    // Every observed value of both parameters (3 sensors x 48 h x 2, less the 5 missing), none of the missing ones.
    expect(observations).toHaveLength(3 * 48 * 2 - 5);
    expect(observations.filter((row) => row.value !== null)).toHaveLength(3 * 48 * 2 - 5);
    const run = await getRun(database, runId);
    expect(run).toMatchObject({ status: 'running', found: 5, trigger: 'test', parameter: PARAMETER });
  });

  it('gives a retry of the same execution the same run, claims and objects', async () => {
    const bucket = await local.bucket();
    const event = { executionId: execution('e2'), parameter: PARAMETER, input: {} };
    const first = await queryMissing(deps(bucket), settings(3), event);
    const text = await getText(bucket, first.keys!.missing);
    const second = await queryMissing(deps(bucket), settings(3), event);
    expect(second).toEqual(first);
    expect(await getText(bucket, first.keys!.missing)).toBe(text);
    expect(await countRows(database, 'claims')).toBe(3);
  });

  it('never hands the same reading to two overlapping executions', async () => {
    const [one, two] = await Promise.all([local.bucket(), local.bucket()]);
    const [a, b] = await Promise.all([
      queryMissing(deps(one), settings(3), { executionId: execution('e3'), parameter: PARAMETER, input: {} }),
      queryMissing(deps(two), settings(3), { executionId: execution('e4'), parameter: PARAMETER, input: {} }),
    ]);
    const rowsOf = async (bucket: Bucket, result: typeof a) =>
      result.keys ? parseJsonLines(await getText(bucket, result.keys.missing), missingRecordSchema, 'missing').map((row) => `${row.deviceId}@${row.ts}`) : [];
    const seen = [...(await rowsOf(one, a)), ...(await rowsOf(two, b))];
    expect(seen).toHaveLength(a.found + b.found);
    expect(new Set(seen).size).toBe(seen.length);
    // Whatever the race left unclaimed, a third execution gets, and nothing more.
    const third = await queryMissing(deps(await local.bucket()), settings(100), { executionId: execution('e3b'), parameter: PARAMETER, input: {} });
    expect(a.found + b.found + third.found).toBe(5);
  });

  it('closes the run at once when nothing is missing, and writes nothing', async () => {
    const bucket = await local.bucket();
    const result = await queryMissing(deps(bucket), settings(100), { executionId: execution('e5'), parameter: PARAMETER, input: { from: '2025-01-01T00:00:00Z' } });
    expect(result).toEqual({ executionId: execution('e5'), runId: runIdFor(execution('e5'), PARAMETER), parameter: PARAMETER, chunk: 0, found: 0, probes: 0, bucket: bucket.name });
    expect(await listKeys(bucket, '')).toEqual([]);
    expect(await getRun(database, result.runId)).toMatchObject({ status: 'succeeded', found: 0 });
    // A retry after the run closed changes nothing.
    expect(await queryMissing(deps(bucket), settings(100), { executionId: execution('e5'), parameter: PARAMETER, input: {} })).toEqual(result);
  });

  it('hides observed values for the live check beside the claims: whole blocks with a value on each side, after the missing ids, the same on a retry', async () => {
    const bucket = await local.bucket();
    const event = { executionId: execution('live1'), parameter: PARAMETER, input: {} };
    const result = await queryMissing(deps(bucket), settings(100, 12), event);
    expect(result.found).toBe(5);
    expect(result.probes).toBeGreaterThanOrEqual(6);
    expect(result.keys?.probes).toBe(runKeys(result.runId).probes);
    const probes = parseJsonLines(await getText(bucket, result.keys!.probes!), probeRecordSchema, 'probes');
    expect(probes).toHaveLength(result.probes);
    expect(probes.map((probe) => probe.id)).toEqual(probes.map((_, index) => 5 + index));
    // Each is an observed value, of the run's parameter, inside the claims' span (2024-03-01T10:00 to 2024-03-02T06:00), never a missing one.
    const { rows } = await database.pool.query<{ device_id: string; ts: Date; value: number | null }>(
      `select s.device_id, r.ts, r.value from readings r join sensors s on s.id = r.sensor_ref where r.parameter = $1`,
      [PARAMETER],
    );
    const observed = new Map(rows.map((row) => [`${row.device_id}@${row.ts.toISOString()}`, row.value]));
    for (const probe of probes) {
      expect(probe.parameter).toBe(PARAMETER);
      expect(observed.get(`${probe.deviceId}@${probe.ts}`)).toBe(probe.truth);
      expect(probe.ts >= '2024-03-01T10:00:00.000Z' && probe.ts <= '2024-03-02T06:00:00.000Z').toBe(true);
    }
    const again = await queryMissing(deps(bucket), settings(100, 12), event);
    expect(again).toEqual(result);
    expect(parseJsonLines(await getText(bucket, result.keys!.probes!), probeRecordSchema, 'probes')).toEqual(probes);
  });

  it("hides nothing in a chunk that is not the parameter's live one (one check per parameter and execution), and closes it when its window has nothing missing", async () => {
    const bucket = await local.bucket();
    const claiming = await queryMissing(deps(bucket), settings(100, 12), { executionId: execution('live3'), parameter: PARAMETER, chunk: 1, live: false, input: { to: '2024-03-02T00:00:00Z' } });
    expect(claiming).toMatchObject({ chunk: 1, found: 4, probes: 0, runId: runIdFor(execution('live3'), PARAMETER, 1) });
    expect(claiming.keys).not.toHaveProperty('probes');
    const empty = await queryMissing(deps(bucket), settings(100, 12), { executionId: execution('live3'), parameter: PARAMETER, chunk: 2, live: false, input: { from: '2024-03-02T07:00:00Z' } });
    expect(empty).toMatchObject({ chunk: 2, found: 0, probes: 0 });
    expect(await getRun(database, empty.runId)).toMatchObject({ status: 'succeeded', found: 0 });
  });

  it('with nothing missing still checks the model live: hides values from the newest days and keeps the run open', async () => {
    const bucket = await local.bucket();
    const result = await queryMissing(deps(bucket), settings(100, 10), { executionId: execution('live2'), parameter: PARAMETER, input: { from: '2024-03-02T07:00:00Z' } });
    expect(result.found).toBe(0);
    expect(result.probes).toBeGreaterThanOrEqual(10);
    const probes = parseJsonLines(await getText(bucket, result.keys!.probes!), probeRecordSchema, 'probes');
    expect(probes.every((probe) => probe.ts >= '2024-03-02T07:00:00.000Z')).toBe(true);
    expect(probes).toHaveLength(result.probes);
    expect(await getRun(database, result.runId)).toMatchObject({ status: 'running', found: 0 });
  });

  it('picks up the readings of an earlier failed run, however old', async () => {
    const bucket = await local.bucket();
    const failed = await queryMissing(deps(bucket), settings(100), { executionId: execution('e6'), parameter: PARAMETER, input: {} });
    await failRun(database, failed.runId, { name: 'TransientError', message: 'boom' });
    const next = await queryMissing(deps(bucket), settings(100), { executionId: execution('e7'), parameter: PARAMETER, input: {} });
    expect(next.found).toBe(5);
  });

  it('refuses to work on a run that already failed', async () => {
    const bucket = await local.bucket();
    const first = await queryMissing(deps(bucket), settings(100), { executionId: execution('e8'), parameter: PARAMETER, input: {} });
    await failRun(database, first.runId, { name: 'X', message: 'y' });
    await expect(queryMissing(deps(bucket), settings(100), { executionId: execution('e8'), parameter: PARAMETER, input: {} })).rejects.toMatchObject({ name: 'InputError' });
  });

  it('refuses a parameter no model fills, and a model made for another parameter, before opening a run', async () => {
    const bucket = await local.bucket();
    await expect(queryMissing(deps(bucket), settings(10), { executionId: execution('e9'), parameter: 'Temperature', input: {} })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('no current model fills Temperature'),
    });
    const confused = { maxReadings: 10, contractOf: async () => model.contract };
    await expect(queryMissing(deps(bucket), confused, { executionId: execution('e9'), parameter: 'Temperature', input: {} })).rejects.toMatchObject({
      name: 'InputError',
      message: 'the model given for Temperature fills PM 2.5',
    });
    expect(await database.pool.query('select 1 from runs where execution_id = $1', [execution('e9')])).toMatchObject({ rowCount: 0 });
  });

  it('puts only observed values in the context: never a value imputed for another parameter, in this execution or before', async () => {
    // Temperature at sensor b is missing while its PM 2.5 is, and already filled (absurdly): another parameter's run of the same execution did it.
    const executionId = execution('live2');
    await database.pool.query(
      `update readings set value = null where parameter = 'Temperature' and ts between '2024-03-01T10:00:00Z' and '2024-03-01T13:00:00Z'
         and sensor_ref = (select id from sensors where device_id = 'b')`,
    );
    const other = await openRun(database, { runId: runIdFor(executionId, 'Temperature'), trigger: 'test', parameter: 'Temperature', executionId });
    await writeImputations(database, {
      runId: other.runId,
      modelVersion: 'temperature-test',
      imputations: [10, 11, 12, 13].map((hour) => ({ deviceId: 'b', parameter: 'Temperature', ts: new Date(Date.UTC(2024, 2, 1, hour)), value: 999, lower: null, upper: null })),
    });
    try {
      const bucket = await local.bucket();
      const result = await queryMissing(deps(bucket), settings(100), { executionId, parameter: PARAMETER, input: {} });
      const context = parseJsonLines(await getText(bucket, result.keys!.context), contextRecordSchema, 'context');
      const observations = observationsOf(context);
      expect(observations).toHaveLength(3 * 48 * 2 - 5 - 4);
      expect(observations.filter((row) => row.value === 999)).toEqual([]);
      expect(observations.filter((row) => row.deviceId === 'b' && row.parameter === 'Temperature' && row.ts >= Date.UTC(2024, 2, 1, 10) && row.ts <= Date.UTC(2024, 2, 1, 13))).toEqual([]);
    } finally {
      await database.pool.query(`delete from imputations where parameter = 'Temperature'`);
      await database.pool.query(`update readings set value = round((8 + 10 * sin(extract(epoch from ts) / 3600 / 24 * 2 * pi()) + sensor_ref)::numeric, 1)::float8 where parameter = 'Temperature' and value is null`);
    }
  });
});
