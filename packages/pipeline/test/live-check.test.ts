import type { ContextRecord, MissingRecord } from '@airfill/schema';
import { chooseLiveProbes, driftRaised, gapLengthsOf, MIN_LIVE_POINTS, outOfSampleFirst, scoreLiveCheck, withoutProbes, type LivePoint } from '../src';

const HOUR = 3_600_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');

/** An hourly series of `hours` values (v = 10 + i) with the hours in `gaps` left out. */
function series(deviceId: string, hours: number, gaps: readonly number[] = []): Extract<ContextRecord, { kind: 'series' }> {
  const ts: number[] = [];
  const values: number[] = [];
  for (let hour = 0; hour < hours; hour += 1) {
    if (gaps.includes(hour)) continue;
    ts.push(T0 + hour * HOUR);
    values.push(10 + hour);
  }
  return { kind: 'series', deviceId, parameter: 'PM 2.5', ts, values };
}

const missingAt = (deviceId: string, hours: readonly number[]): MissingRecord[] =>
  hours.map((hour, id) => ({ id, deviceId, parameter: 'PM 2.5', ts: new Date(T0 + hour * HOUR).toISOString() }));

describe('gapLengthsOf', () => {
  it('counts runs of consecutive missing readings per device, in the device\'s steps', () => {
    const missing = [...missingAt('a', [3, 4, 5, 9]), ...missingAt('b', [1, 2])];
    expect(gapLengthsOf(missing, () => HOUR).sort()).toEqual([1, 2, 3]);
  });
});

describe('chooseLiveProbes', () => {
  const network = [series('a', 200), series('b', 200, [50, 51]), series('c', 200)];
  const options = { points: 40, from: T0 + 10 * HOUR, to: T0 + 190 * HOUR, seed: 'run-1', firstId: 7 };

  it('hides whole blocks as long as the run\'s gaps, each bounded by observed values, with the block\'s linear interpolation', () => {
    const probes = chooseLiveProbes(network, 'PM 2.5', [3], options);
    expect(probes.length).toBeGreaterThanOrEqual(options.points);
    expect(probes.length).toBeLessThan(options.points + 3);
    expect(probes.map((probe) => probe.id)).toEqual(probes.map((_, index) => 7 + index));
    // Blocks of exactly 3 hours; on this straight-line data the interpolation is the truth itself.
    expect(probes.every((probe) => probe.linear === probe.truth && probe.truth === 10 + (Date.parse(probe.ts) - T0) / HOUR)).toBe(true);
    expect(probes.every((probe) => Date.parse(probe.ts) >= options.from && Date.parse(probe.ts) <= options.to)).toBe(true);
    // Runs of consecutive hours of one sensor are exactly the blocks (blocks never touch), 3 hours each, none across b's gap at 50-51.
    const runs: number[] = [];
    for (const [index, probe] of probes.entries()) {
      const previous = probes[index - 1];
      if (previous && previous.deviceId === probe.deviceId && Date.parse(probe.ts) - Date.parse(previous.ts) === HOUR) runs[runs.length - 1]! += 1;
      else runs.push(1);
    }
    expect(runs.every((length) => length === 3)).toBe(true);
    expect(runs).toHaveLength(probes.length / 3);
  });

  it('draws the same values for the same seed and others for another', () => {
    const first = chooseLiveProbes(network, 'PM 2.5', [1, 2], options);
    expect(chooseLiveProbes(network, 'PM 2.5', [1, 2], options)).toEqual(first);
    expect(chooseLiveProbes(network, 'PM 2.5', [1, 2], { ...options, seed: 'run-2' })).not.toEqual(first);
  });

  it('hides nothing when turned off, and only what the window holds', () => {
    expect(chooseLiveProbes(network, 'PM 2.5', [], { ...options, points: 0 })).toEqual([]);
    expect(chooseLiveProbes(network, 'NO2', [], options)).toEqual([]);
    // A window of two hours at one end: no block has observed values on both sides.
    expect(chooseLiveProbes([series('a', 3)], 'PM 2.5', [1], { ...options, from: T0, to: T0 + 2 * HOUR })).toHaveLength(1);
  });
});

describe('withoutProbes', () => {
  it('takes the hidden values out of their series and leaves every other series alone', () => {
    const context: ContextRecord[] = [{ kind: 'site', deviceId: 'a', latitude: 1, longitude: 2 }, series('a', 5), { ...series('a', 5), parameter: 'NO2' }];
    const hidden = withoutProbes(context, [{ id: 0, deviceId: 'a', parameter: 'PM 2.5', ts: new Date(T0 + 2 * HOUR).toISOString(), truth: 12, linear: 12 }]);
    expect(hidden[0]).toBe(context[0]);
    expect(hidden[1]).toMatchObject({ ts: [T0, T0 + HOUR, T0 + 3 * HOUR, T0 + 4 * HOUR], values: [10, 11, 13, 14] });
    expect(hidden[2]).toBe(context[2]);
  });
});

describe('scoreLiveCheck', () => {
  const point = (value: number, truth: number, linear: number, inside = true): LivePoint => ({ ts: '2024-06-01T00:00:00.000Z', value, truth, linear, lower: inside ? truth - 1 : truth + 1, upper: truth + 2 });
  const holdout = { mae: 4, linearMae: 8, through: '2024-05-01T00:00:00.000Z' };

  it('scales the holdout MAE by how hard the gaps were for interpolation, and counts coverage', () => {
    const points = Array.from({ length: 30 }, (_, index) => point(10 + 3, 10, 10 + 16, index % 3 !== 0));
    const check = scoreLiveCheck({ points, refused: 2, nominalCoverage: 0.9 }, holdout);
    // Linear erred 16 against 8 on the holdout: twice as hard, so 8 is expected; the model's 3 is 0.375 of it.
    expect(check).toEqual({ points: 30, refused: 2, inSample: 0, mae: 3, linearMae: 16, coverage: 20 / 30, nominalCoverage: 0.9, holdoutMae: 4, expectedMae: 8, ratio: 0.375 });
  });

  it('never expects less than half the holdout MAE (near-linear data is no drift), gives no ratio on a handful of values, and counts in-sample values', () => {
    const smooth = Array.from({ length: 30 }, () => point(12, 10, 10));
    expect(scoreLiveCheck({ points: smooth, refused: 0, nominalCoverage: 0.9 }, holdout)).toMatchObject({ expectedMae: 2, ratio: 1 });
    const few = Array.from({ length: MIN_LIVE_POINTS - 1 }, () => ({ ...point(12, 10, 10), ts: '2024-04-01T00:00:00.000Z' }));
    expect(scoreLiveCheck({ points: few, refused: 0, nominalCoverage: 0.9 }, holdout)).toMatchObject({ ratio: null, inSample: MIN_LIVE_POINTS - 1 });
    expect(scoreLiveCheck({ points: smooth, refused: 0, nominalCoverage: 0.9 }, null)).toMatchObject({ holdoutMae: null, expectedMae: null, ratio: null });
  });
});

describe('outOfSampleFirst', () => {
  const at = (day: number) => ({ ts: new Date(T0 + day * 24 * HOUR).toISOString() });
  it('scores only values after the model\'s training data when there are enough of them, else all', () => {
    const through = new Date(T0 + 10 * 24 * HOUR).toISOString();
    const enough = [...Array.from({ length: 5 }, () => at(3)), ...Array.from({ length: MIN_LIVE_POINTS }, () => at(12))];
    expect(outOfSampleFirst(enough, through)).toHaveLength(MIN_LIVE_POINTS);
    const few = [...Array.from({ length: 5 }, () => at(3)), ...Array.from({ length: MIN_LIVE_POINTS - 1 }, () => at(12))];
    expect(outOfSampleFirst(few, through)).toHaveLength(few.length);
    expect(outOfSampleFirst(enough, null)).toHaveLength(enough.length);
  });
});

describe('driftRaised', () => {
  const rule = { factor: 1.5, runs: 3 };
  it('needs the rule\'s number of bad checks in a row, newest first; an unscored check breaks the run', () => {
    expect(driftRaised([2, 1.6, 1.5], rule)).toBe(true);
    expect(driftRaised([2, 1.6], rule)).toBe(false);
    expect(driftRaised([2, 1.4, 3], rule)).toBe(false);
    expect(driftRaised([2, null, 3], rule)).toBe(false);
    expect(driftRaised([2, 2, 2, 0.5], rule)).toBe(true);
  });
});
