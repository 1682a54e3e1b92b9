import { chunkItemSchema, executionKeys, runKeys, type ChunkItem } from '@airfill/schema';
import { z } from 'zod';
import { otherParametersOf } from '@airfill/features';
import { getText, planParameters, queryMissing, runIdFor, runIdForExecution, silentLogger } from '../src';
import { captureLogs } from './support/logs';
import { executionArn, querySettings, useFixture, type Fixture } from './support/fixture';
import { PARAMETER } from './support/seed';

let fixture: Fixture;
useFixture((opened) => (fixture = opened));

const EXECUTION = executionArn('plan');
const MANIFEST = executionKeys(runIdForExecution(EXECUTION)).chunks;

// The seed stores PM 2.5 and Temperature at three sensors; PM 2.5 misses 5 readings, one in each of the hours 10-13 of March 1st and 06 of March 2nd.
const plan = async (modelled: string[], input: Record<string, unknown> = {}, chunkReadings = 100_000, groupSensors?: number) => {
  const { logger, lines } = captureLogs();
  const bucket = await fixture.local.bucket();
  const settings = { modelled, chunkReadings, ...(groupSensors === undefined ? {} : { groupSensors }) };
  const result = await planParameters({ database: fixture.database, bucket, logger }, settings, { executionId: EXECUTION, input: input as never });
  const manifest = z.array(chunkItemSchema).parse(JSON.parse(await getText(bucket, MANIFEST)));
  return { result, lines, manifest, bucket };
};

describe('planParameters', () => {
  it('plans every stored parameter a current model fills, and reports the stored ones without a model, by name', async () => {
    const { result, lines, manifest } = await plan(['PM 2.5', 'NO2']);
    expect(result).toEqual({
      parameters: ['PM 2.5'],
      withoutModel: ['Temperature'],
      input: { trigger: 'schedule' },
      chunks: { key: MANIFEST, count: 1, perParameter: { 'PM 2.5': 1 } },
    });
    // Everything missing fits one chunk: the input's own window, and the live check.
    expect(manifest).toEqual([{ parameter: 'PM 2.5', chunk: 0, live: true, input: { trigger: 'schedule' } }]);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'warn', message: expect.stringContaining('without a current model'), withoutModel: ['Temperature'] }),
        expect.objectContaining({ ParametersPlanned: 1, ParametersWithoutModel: 1 }),
      ]),
    );
  });

  it('plans every stored parameter when each has a model', async () => {
    const { result, manifest } = await plan(['Temperature', 'PM 2.5']);
    expect(result).toMatchObject({ parameters: ['PM 2.5', 'Temperature'], withoutModel: [], chunks: { count: 2, perParameter: { 'PM 2.5': 1, Temperature: 1 } } });
    // Nothing missing of Temperature is still one chunk: its run makes the live check.
    expect(manifest.map((item) => [item.parameter, item.chunk, item.live])).toEqual([
      ['PM 2.5', 0, true],
      ['Temperature', 0, true],
    ]);
  });

  it('narrows to the parameters the input names, once each, and passes the execution input on to every run', async () => {
    // What earlier states put beside the execution input (quality-check's result) is not passed on.
    const input = { trigger: 'manual', parameters: ['Temperature', 'Temperature'], from: '2024-03-01T00:00:00Z', quality: { runId: 'q', alerts: [] } };
    const { result, manifest } = await plan(['PM 2.5'], input);
    expect(result).toEqual({
      parameters: [],
      withoutModel: ['Temperature'],
      input: { trigger: 'manual', parameters: ['Temperature'], from: '2024-03-01T00:00:00Z' },
      chunks: { key: MANIFEST, count: 0, perParameter: {} },
    });
    expect(manifest).toEqual([]);
    expect((await plan(['PM 2.5', 'Temperature'], { parameters: ['PM 2.5'] })).result).toMatchObject({ parameters: ['PM 2.5'], withoutModel: [] });
  });

  it('refuses a parameter the input names that is not stored, naming those that are, rather than filling nothing', async () => {
    await expect(plan(['PM 2.5'], { parameters: ['PM25'] })).rejects.toMatchObject({
      name: 'InputError',
      message: 'no readings of "PM25" are stored; the parameters stored are: "PM 2.5", "Temperature"',
    });
  });

  it('cuts a parameter into time windows of at most a chunk of missing readings that tile the input window, the newest making the live check', async () => {
    const input = { trigger: 'backfill', from: '2024-03-01T00:00:00Z', to: '2024-03-03T00:00:00Z' };
    const { result, manifest, lines } = await plan(['PM 2.5'], input, 2);
    expect(result.chunks).toEqual({ key: MANIFEST, count: 3, perParameter: { 'PM 2.5': 3 } });
    expect(manifest).toEqual<ChunkItem[]>([
      { parameter: PARAMETER, chunk: 0, live: false, input: { trigger: 'backfill', from: '2024-03-01T00:00:00Z', to: '2024-03-01T12:00:00.000Z' } },
      { parameter: PARAMETER, chunk: 1, live: false, input: { trigger: 'backfill', from: '2024-03-01T12:00:00.000Z', to: '2024-03-02T06:00:00.000Z' } },
      { parameter: PARAMETER, chunk: 2, live: true, input: { trigger: 'backfill', from: '2024-03-02T06:00:00.000Z', to: '2024-03-03T00:00:00Z' } },
    ]);
    expect(lines).toEqual(expect.arrayContaining([expect.objectContaining({ ChunksPlanned: 3 })]));
  });

  it("lets each chunk's run claim exactly its window: every missing reading once, in its own run, whatever order the chunks run in", async () => {
    const { manifest, bucket } = await plan(['PM 2.5'], {}, 2);
    const claimed: string[] = [];
    for (const item of [...manifest].reverse()) {
      const run = await queryMissing({ database: fixture.database, bucket, logger: silentLogger }, querySettings(fixture, 2), { executionId: EXECUTION, ...item });
      expect(run).toMatchObject({ executionId: EXECUTION, chunk: item.chunk, runId: runIdFor(EXECUTION, PARAMETER, item.chunk) });
      const { rows } = await fixture.database.pool.query<{ ts: Date }>('select ts from claims where run_id = $1 order by ts', [run.runId]);
      expect(rows).toHaveLength(run.found);
      claimed.push(...rows.map((row) => row.ts.toISOString()));
    }
    expect(claimed.sort()).toEqual(['2024-03-01T10:00:00.000Z', '2024-03-01T11:00:00.000Z', '2024-03-01T12:00:00.000Z', '2024-03-01T13:00:00.000Z', '2024-03-02T06:00:00.000Z']);
    // Three runs, one per chunk, each with its own id; chunk 0 keeps the id a parameter's run had before chunks.
    expect(new Set(manifest.map((item) => runIdFor(EXECUTION, PARAMETER, item.chunk))).size).toBe(3);
    expect(runIdFor(EXECUTION, PARAMETER, 0)).toBe(runIdFor(EXECUTION, PARAMETER));
  });

  it('cuts a network larger than a group into spatial groups of sensors, then time windows; a group with nothing missing has no chunk', async () => {
    // Sites: c west of a west of b. Groups of two: [a, c] (c misses one reading) and [b] (four).
    const { result, manifest } = await plan(['PM 2.5', 'Temperature'], { trigger: 'backfill' }, 100_000, 2);
    expect(result.chunks.perParameter).toEqual({ 'PM 2.5': 2, Temperature: 1 });
    expect(manifest).toEqual<ChunkItem[]>([
      { parameter: PARAMETER, chunk: 0, live: false, input: { trigger: 'backfill', sensors: ['a', 'c'] } },
      { parameter: PARAMETER, chunk: 1, live: true, input: { trigger: 'backfill', sensors: ['b'] } },
      // Nothing missing: one chunk, over the last group, still makes the live check.
      { parameter: 'Temperature', chunk: 0, live: true, input: { trigger: 'backfill', sensors: ['b'] } },
    ]);
    // Time windows within a group, numbered across the groups.
    const windows = await plan(['PM 2.5'], { trigger: 'backfill' }, 2, 2);
    expect(windows.manifest.map((item) => [item.chunk, item.input.sensors, item.live])).toEqual([
      [0, ['a', 'c'], false],
      [1, ['b'], false],
      [2, ['b'], true],
    ]);
  });

  it("keeps a group chunk's run to its sensors: it claims only theirs, and reads the neighbours around them for the parameter alone", async () => {
    const { manifest, bucket } = await plan(['PM 2.5'], {}, 100_000, 2);
    const first = manifest[0]!;
    const run = await queryMissing({ database: fixture.database, bucket, logger: silentLogger }, querySettings(fixture, 100), { executionId: EXECUTION, ...first });
    const { rows } = await fixture.database.pool.query<{ device_id: string; ts: Date }>(
      'select s.device_id, c.ts from claims c join sensors s on s.id = c.sensor_ref where c.run_id = $1',
      [run.runId],
    );
    expect(rows.map((row) => [row.device_id, row.ts.toISOString()])).toEqual([['c', '2024-03-02T06:00:00.000Z']]);
    const context = (await getText(bucket, runKeys(run.runId).context))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; deviceId: string; parameter?: string });
    expect(context.filter((record) => record.kind === 'site').map((site) => site.deviceId)).toEqual(['a', 'b', 'c']);
    const read = context.filter((record) => record.kind === 'series').map((series) => `${series.deviceId} ${series.parameter}`);
    // The group reads every parameter the model reads that the seed stores (PM 2.5, Temperature).
    const others = otherParametersOf(fixture.model.contract).filter((other) => other === 'Temperature');
    expect(others).toEqual(['Temperature']);
    expect(read.sort()).toEqual(['a', 'c'].flatMap((device) => [PARAMETER, ...others].map((parameter) => `${device} ${parameter}`)).concat([`b ${PARAMETER}`]).sort());
  });

  it('narrows a plan to the sensors the input names, and refuses one that is not stored', async () => {
    const { manifest } = await plan(['PM 2.5'], { sensors: ['b'] });
    expect(manifest).toEqual([{ parameter: PARAMETER, chunk: 0, live: true, input: { trigger: 'schedule', sensors: ['b'] } }]);
    await expect(plan(['PM 2.5'], { sensors: ['b', 'x', 'y'] })).rejects.toMatchObject({ name: 'InputError', message: 'no sensor "x", "y" is stored' });
  });

  it('rewrites the same manifest when a retry plans again', async () => {
    const first = await plan(['PM 2.5'], {}, 2);
    const again = await plan(['PM 2.5'], {}, 2);
    expect(again.manifest).toEqual(first.manifest);
    expect(again.result).toEqual(first.result);
  });
});
