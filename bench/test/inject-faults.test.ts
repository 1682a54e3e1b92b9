import path from 'node:path';
import { FAULT_KINDS, injectFaults } from '../lib/inject-faults';
import { readChannelData, type ChannelData } from '../lib/read-channels';

const SAMPLE = path.join(__dirname, '..', '..', 'samples', 'beijing', 'beijing_2015-06.csv.gz');
const PM25 = 'PM 2.5';
const HOUR = 3_600_000;

describe('injectFaults (on the bundled Beijing sample)', () => {
  let data: ChannelData;
  beforeAll(async () => {
    data = await readChannelData(SAMPLE);
  });

  it('is deterministic by seed and leaves the input alone', () => {
    // Compared as text: jest's deep equality takes seconds on 43,200 readings.
    const text = (observations: readonly unknown[]) => JSON.stringify(observations);
    const before = text(data.observations);
    const first = injectFaults(data.observations, { parameter: PM25, seed: 3 });
    const again = injectFaults(data.observations, { parameter: PM25, seed: 3 });
    const other = injectFaults(data.observations, { parameter: PM25, seed: 4 });
    expect(again.injected).toEqual(first.injected);
    expect(text(again.observations)).toBe(text(first.observations));
    expect(other.injected).not.toEqual(first.injected);
    expect(text(data.observations)).toBe(before);
  });

  it('returns the truth of every reading it changed, and changes nothing else', () => {
    const { observations, injected } = injectFaults(data.observations, { parameter: PM25, seed: 5 });
    expect(new Set(injected.map((reading) => reading.at)).size).toBe(injected.length);
    const changed = new Map(injected.map((reading) => [reading.at, reading]));
    const wrong: string[] = [];
    let differing = 0;
    observations.forEach((observation, at) => {
      const original = data.observations[at]!;
      if (observation.deviceId !== original.deviceId || observation.parameter !== original.parameter || observation.ts !== original.ts) wrong.push(`${at}: moved`);
      const reading = changed.get(at);
      if (!reading) {
        if (observation.value !== original.value) wrong.push(`${at}: changed but not reported`);
        return;
      }
      differing += 1;
      const reported = reading.deviceId === original.deviceId && reading.parameter === PM25 && reading.ts === original.ts;
      if (!reported || original.value === null || reading.truth !== original.value || reading.injected !== observation.value) wrong.push(`${at}: reported wrong`);
    });
    expect(wrong).toEqual([]);
    expect(differing).toBe(injected.length);
    expect(differing).toBeGreaterThan(300);
    expect(new Set(injected.map((reading) => reading.kind))).toEqual(new Set(FAULT_KINDS));
  });

  it('writes each kind in its shape', () => {
    const { observations, injected } = injectFaults(data.observations, { parameter: PM25, seed: 6 });
    const byKind = (kind: string) => injected.filter((reading) => reading.kind === kind);
    expect(byKind('fault_constant').length).toBeGreaterThan(0);
    expect(byKind('fault_constant').filter((reading) => reading.injected !== 999.9)).toEqual([]);
    expect(byKind('out_of_range').length).toBeGreaterThan(0);
    expect(byKind('out_of_range').filter((reading) => !(reading.injected < 0 || reading.injected >= 3000))).toEqual([]);
    expect(byKind('drift').length).toBeGreaterThan(100);
    expect(new Set(byKind('drift').map((reading) => reading.deviceId)).size).toBe(1);
    // A stuck reading repeats the reading just before its run, which was left as it was.
    const previous = (deviceId: string, ts: number) =>
      observations.filter((o) => o.deviceId === deviceId && o.parameter === PM25 && o.ts < ts && o.value !== null).sort((a, b) => b.ts - a.ts)[0];
    const stuck = byKind('stuck');
    expect(stuck.length).toBeGreaterThan(0);
    for (const reading of stuck) {
      const before = previous(reading.deviceId, reading.ts)!;
      expect(before.value).toBe(reading.injected);
    }
    // Spikes: both adjacent readings untouched, and more than 3 hours from any other spike.
    const touched = new Set(injected.map((reading) => `${reading.deviceId}|${reading.ts}`));
    const spikes = byKind('spike');
    expect(spikes.length).toBeGreaterThan(50);
    for (const spike of spikes) {
      expect(touched.has(`${spike.deviceId}|${spike.ts - HOUR}`) || touched.has(`${spike.deviceId}|${spike.ts + HOUR}`)).toBe(false);
      expect(spikes.filter((other) => other !== spike && Math.abs(other.ts - spike.ts) <= 3 * HOUR)).toEqual([]);
    }
  });

  it('never writes inside a protected window, on any sensor', () => {
    const from = data.observations[0]!.ts + 5 * 24 * HOUR;
    const to = from + 10 * 24 * HOUR;
    const { injected } = injectFaults(data.observations, { parameter: PM25, seed: 7, protect: [{ from, to }] });
    expect(injected.length).toBeGreaterThan(100);
    expect(injected.filter((reading) => reading.ts >= from && reading.ts < to)).toEqual([]);
  });

  it('scales the number of faults with the rates asked for', () => {
    const none = injectFaults(data.observations, { parameter: PM25, seed: 8, spikesPerSensorDay: 0, stuckRunsPerSensorDay: 0, faultConstantRunsPerSensorDay: 0, outOfRangePerSensorDay: 0 });
    expect(new Set(none.injected.map((reading) => reading.kind))).toEqual(new Set(['drift']));
    const spikes = (rate: number) => injectFaults(data.observations, { parameter: PM25, seed: 8, spikesPerSensorDay: rate }).injected.filter((reading) => reading.kind === 'spike').length;
    // 12 sensors x 30.96 days (first to last reading, inclusive) x 0.1 = 37; more asked, more written
    // (up to about one per 3 hours across the network).
    expect(spikes(0.1)).toBe(37);
    expect(spikes(0.3)).toBeGreaterThan(spikes(0.1));
  });
});
