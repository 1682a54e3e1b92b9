import { createHash } from 'node:crypto';
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

  it('keeps the hourly default byte for byte as before --step-minutes existed (tests and benchmarks pin it)', async () => {
    const hourly = await writeSynthCsv(path.join(dir, 'pinned.csv'), { sensors: 4, days: 3, seed: 9 });
    const explicit = await writeSynthCsv(path.join(dir, 'pinned-60.csv'), { sensors: 4, days: 3, seed: 9, stepMinutes: 60 });
    const digest = createHash('sha256').update(await readFile(hourly.file)).digest('hex');
    expect(digest).toBe('d6ce5ce1fd4a899cf5cba3ff707011f3436b7a7a973db8f9ec05e5fbd759fa19');
    expect(await readFile(explicit.file, 'utf8')).toBe(await readFile(hourly.file, 'utf8'));
  });

  it('writes readings every 2 minutes with --step-minutes 2, outages as long in hours as hourly ones (30 times the readings)', () => {
    const options = { sensors: 8, days: 12, parameters: ['PM 2.5'], missing: 0.12, seed: 4 };
    const outageHours = (stepMinutes: number) => {
      const bySensor = new Map<string, { ts: number[]; missing: boolean[] }>();
      for (const reading of generateReadings({ ...options, stepMinutes })) {
        const list = bySensor.get(reading.sensor.deviceId) ?? { ts: [], missing: [] };
        list.ts.push(reading.ts);
        list.missing.push(reading.missing);
        bySensor.set(reading.sensor.deviceId, list);
      }
      const hours: number[] = [];
      let readings = 0;
      let missing = 0;
      let offStep = 0;
      for (const series of bySensor.values()) {
        readings += series.ts.length;
        for (let i = 1; i < series.ts.length; i += 1) if (series.ts[i]! - series.ts[i - 1]! !== stepMinutes * 60_000) offStep += 1;
        let length = 0;
        for (const gone of [...series.missing, false]) {
          if (gone) {
            length += 1;
            missing += 1;
          } else if (length > 0) {
            // Runs of at least two hours: outages (single lost readings, a share of readings at any cadence, are shorter).
            if (length * stepMinutes >= 120) hours.push((length * stepMinutes) / 60);
            length = 0;
          }
        }
      }
      hours.sort((a, b) => a - b);
      return { readings, offStep, missingShare: missing / readings, outages: hours.length, medianHours: hours[hours.length >> 1]! };
    };
    const hourly = outageHours(60);
    const twoMinutes = outageHours(2);
    expect(hourly.readings).toBe(8 * 12 * 24);
    expect(twoMinutes.readings).toBe(8 * 12 * 24 * 30);
    expect(twoMinutes.offStep).toBe(0);
    expect(twoMinutes.missingShare).toBeGreaterThan(0.06);
    expect(twoMinutes.missingShare).toBeLessThan(0.2);
    expect(twoMinutes.outages).toBeGreaterThan(5);
    expect(hourly.outages).toBeGreaterThan(5);
    // The same wall-clock outages: hours long at both cadences, not 30 times shorter at 2 minutes.
    expect(twoMinutes.medianHours).toBeGreaterThanOrEqual(2);
    expect(twoMinutes.medianHours).toBeLessThan(3 * hourly.medianHours);
    expect(twoMinutes.medianHours).toBeGreaterThan(hourly.medianHours / 3);
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
