import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readReadingsCsv } from '@airfill/ingest';
import { generateReadings, writeSynthCsv } from '../src';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'airfill-synth-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function pearson(a: number[], b: number[]): number {
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i += 1) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

describe('airfill synth', () => {
  it('is deterministic: the same options give the same bytes, another seed other data', async () => {
    const a = await writeSynthCsv(path.join(dir, 'a.csv'), { sensors: 4, days: 3, seed: 9 });
    const b = await writeSynthCsv(path.join(dir, 'b.csv'), { sensors: 4, days: 3, seed: 9 });
    const c = await writeSynthCsv(path.join(dir, 'c.csv'), { sensors: 4, days: 3, seed: 10 });
    expect(await readFile(a.file, 'utf8')).toBe(await readFile(b.file, 'utf8'));
    expect(await readFile(a.file, 'utf8')).not.toBe(await readFile(c.file, 'utf8'));
  });

  it('writes the input contract: every row loads, missing values as sentinel, empty and NaN', async () => {
    const summary = await writeSynthCsv(path.join(dir, 'contract.csv.gz'), { sensors: 8, days: 10, missing: 0.12 });
    let readings = 0;
    let missing = 0;
    const rejects: string[] = [];
    const raw = new Set<string>();
    for await (const record of readReadingsCsv(summary.file)) {
      if (record.kind === 'reject') rejects.push(`${record.line} ${record.column} ${record.reason}`);
      else {
        readings += 1;
        if (record.reading.value === null) {
          missing += 1;
          raw.add(record.reading.rawValue);
        }
      }
    }
    expect(rejects).toEqual([]);
    expect(readings).toBe(8 * 10 * 24 * 5);
    expect(missing).toBe(summary.missing);
    expect(raw).toEqual(new Set(['65535', '', 'NaN']));
    expect(missing / readings).toBeGreaterThan(0.06);
    expect(missing / readings).toBeLessThan(0.18);
  });

  it('has gaps of every kind: single points, outages of hours, and a sensor that dies for good', () => {
    const bySensor = new Map<string, boolean[]>();
    for (const reading of generateReadings({ sensors: 8, days: 20, parameters: ['PM 2.5'], missing: 0.12, seed: 4 })) {
      const list = bySensor.get(reading.sensor.deviceId) ?? [];
      list.push(reading.missing);
      bySensor.set(reading.sensor.deviceId, list);
    }
    const runs: number[] = [];
    for (const series of bySensor.values()) {
      let length = 0;
      for (const gone of [...series, false]) {
        if (gone) length += 1;
        else if (length > 0) {
          runs.push(length);
          length = 0;
        }
      }
    }
    expect(runs.filter((length) => length === 1).length).toBeGreaterThan(5);
    expect(runs.filter((length) => length >= 6).length).toBeGreaterThan(2);
    const deadToTheEnd = [...bySensor.values()].filter((series) => series.slice(-24).every(Boolean));
    expect(deadToTheEnd.length).toBeGreaterThanOrEqual(1);
  });

  it('makes nearby sensors move together more than distant ones, with a daily cycle', () => {
    const series = new Map<string, { lat: number; lon: number; values: number[] }>();
    const byHour = new Array<number[]>(24).fill([]).map(() => [] as number[]);
    for (const reading of generateReadings({ sensors: 10, days: 60, parameters: ['NO2'], missing: 0, seed: 2, offsetMinutes: 0 })) {
      const entry = series.get(reading.sensor.deviceId) ?? { lat: reading.sensor.latitude, lon: reading.sensor.longitude, values: [] };
      entry.values.push(Number(reading.value));
      series.set(reading.sensor.deviceId, entry);
      byHour[new Date(reading.ts).getUTCHours()]!.push(Number(reading.value));
    }
    const sensors = [...series.values()];
    const pairs: { km: number; r: number }[] = [];
    for (let i = 0; i < sensors.length; i += 1) {
      for (let j = i + 1; j < sensors.length; j += 1) {
        const km = Math.hypot((sensors[i]!.lat - sensors[j]!.lat) * 111, (sensors[i]!.lon - sensors[j]!.lon) * 73);
        pairs.push({ km, r: pearson(sensors[i]!.values, sensors[j]!.values) });
      }
    }
    pairs.sort((a, b) => a.km - b.km);
    const near = pairs.slice(0, 10).reduce((s, p) => s + p.r, 0) / 10;
    const far = pairs.slice(-10).reduce((s, p) => s + p.r, 0) / 10;
    expect(near).toBeGreaterThan(0.5);
    expect(near).toBeGreaterThan(far);
    // Rush hour (08:00 local) against the small hours.
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean(byHour[8]!)).toBeGreaterThan(1.3 * mean(byHour[3]!));
  });
});
