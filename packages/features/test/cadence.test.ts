import {
  buildFeatureMatrix,
  cadenceOfTimes,
  FeatureContractError,
  indexObservations,
  makeFeatureContract,
  parameterCadence,
  prepareFeatureContext,
  type Observation,
} from '../src';
import { cell, lineSites, PM, T0 } from './helpers/line';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const sites = lineSites;

/** A series every `stepMs` from T0, one value per step (null: missing). */
function every(stepMs: number, deviceId: string, values: (number | null)[], parameter = PM): Observation[] {
  return values.map((value, step) => ({ deviceId, parameter, ts: T0 + step * stepMs, value }));
}


const times = (stepMs: number, count: number, jitter = (_: number) => 0) => Array.from({ length: count }, (_, i) => T0 + i * stepMs + jitter(i));

describe('cadenceOfTimes', () => {
  it('finds the step of a regular series at 1, 2, 5, 10 and 60 minutes', () => {
    expect([1, 2, 5, 10, 60].map((minutes) => cadenceOfTimes(times(minutes * MINUTE, 50)) / MINUTE)).toEqual([1, 2, 5, 10, 60]);
  });

  it('takes a jittered series (readings a few seconds off their step) at its nominal cadence', () => {
    const jitter = (i: number) => Math.round(Math.sin(i * 12.9898) * 9_000); // up to ±9 s
    expect(cadenceOfTimes(times(2 * MINUTE, 200, jitter))).toBe(2 * MINUTE);
    // An hourly sensor whose readings come up to ±10 min late or early keeps the hourly cadence.
    expect(cadenceOfTimes(times(HOUR, 200, (i) => Math.round(Math.sin(i * 7.31) * 10 * MINUTE)))).toBe(HOUR);
  });

  it('keeps an unusual cadence as it is (150 s is neither 2 nor 3 minutes)', () => {
    expect(cadenceOfTimes(times(150_000, 50))).toBe(150_000);
  });

  it('ignores duplicate timestamps instead of reading them as a zero step', () => {
    const ts = times(5 * MINUTE, 40).flatMap((t) => [t, t]);
    expect(cadenceOfTimes(ts)).toBe(5 * MINUTE);
  });

  it('stays on the cadence when up to half of the spacings are gaps', () => {
    // Every other pair of readings is separated by a 3-step gap: half the spacings are 2 min, half 8 min.
    const ts: number[] = [];
    for (let i = 0, t = T0; i < 60; i += 1) {
      ts.push(t);
      t += i % 2 === 0 ? 2 * MINUTE : 8 * MINUTE;
    }
    expect(cadenceOfTimes(ts)).toBe(2 * MINUTE);
  });

  it('says nothing (NaN) from a sensor with fewer than four readings', () => {
    expect(cadenceOfTimes(times(2 * MINUTE, 3))).toBeNaN();
    expect(cadenceOfTimes([])).toBeNaN();
  });
});

describe('cadences in a window', () => {
  it('gives each series of a mixed network its own step, and a sensor with few readings its network’s', () => {
    const observations = [
      ...every(2 * MINUTE, 'a', Array.from({ length: 300 }, () => 10)),
      ...every(10 * MINUTE, 'b', Array.from({ length: 60 }, () => 10)),
      ...every(2 * MINUTE, 'c', [10, null, null, 12]),
      ...every(HOUR, 'a', Array.from({ length: 10 }, () => 1), 'Temperature'),
    ];
    const index = indexObservations(observations);
    expect(index.get('a')?.get(PM)?.stepMs).toBe(2 * MINUTE);
    expect(index.get('b')?.get(PM)?.stepMs).toBe(10 * MINUTE);
    // c: two readings, no cadence of its own: the lower median of the network's (2 and 10 min).
    expect(index.get('c')?.get(PM)?.stepMs).toBe(2 * MINUTE);
    expect(index.get('a')?.get('Temperature')?.stepMs).toBe(HOUR);
    expect(parameterCadence(index, PM)).toBe(2 * MINUTE);
    expect(parameterCadence(index, 'Temperature')).toBe(HOUR);
  });
});

describe('features at any cadence', () => {
  const contract = { ...makeFeatureContract(PM, []), stepMs: 2 * MINUTE };

  it('counts a neighbour as observed at t only within half its step: 1 min for a 2-minute sensor, 5 min for a 10-minute one', () => {
    // a: every 2 min, missing at step 10 (T0 + 20 min). b: every 2 min but off by 3 min at that time; c: every 10 min.
    const a = every(2 * MINUTE, 'a', Array.from({ length: 60 }, (_, i) => (i === 10 ? null : 10)));
    const b = every(2 * MINUTE, 'b', Array.from({ length: 60 }, () => 20)).filter((o) => o.ts !== T0 + 20 * MINUTE);
    b.push({ deviceId: 'b', parameter: PM, ts: T0 + 23 * MINUTE, value: 99 });
    const c = every(10 * MINUTE, 'c', Array.from({ length: 12 }, () => 30)).map((o) => ({ ...o, ts: o.ts + 4 * MINUTE }));
    const matrix = buildFeatureMatrix({ sites, observations: [...a, ...b, ...c] }, [{ deviceId: 'a', ts: T0 + 20 * MINUTE }], contract);
    // b's readings near t are 2 min away (steps 9 and 11 are 18 and 22 min... and 23 min): none within 1 min; c's at 24 min is within 5 min.
    expect(cell(matrix, 0, 'nb_count')).toBe(1);
    expect(cell(matrix, 0, 'nb_idw_value')).toBe(30);
    // Both neighbours count for the network's share: b is a 2-min sensor not observed in t's 2-min slot, c covers it.
    expect(cell(matrix, 0, 'net_observed_share')).toBe(0.5);
  });

  it('measures gaps in hours and takes slopes within 3 steps, so a 2-minute gap is 0.0667 h', () => {
    const values = Array.from({ length: 60 }, (_, i) => (i === 30 ? null : i));
    const matrix = buildFeatureMatrix({ sites, observations: every(2 * MINUTE, 'a', values) }, [{ deviceId: 'a', ts: T0 + 60 * MINUTE }], contract);
    expect(cell(matrix, 0, 'own_gap_h')).toBeCloseTo(4 / 60, 12);
    expect(cell(matrix, 0, 'own_interp')).toBeCloseTo(30, 12);
    // One unit per 2-minute step is 30 units an hour, on both sides.
    expect(cell(matrix, 0, 'own_slope_before')).toBeCloseTo(30, 9);
    expect(cell(matrix, 0, 'own_slope_after')).toBeCloseTo(30, 9);
  });

  it('refuses 2-minute data for a model trained on hourly data, saying both cadences and how to fix it', () => {
    const observations = every(2 * MINUTE, 'a', Array.from({ length: 60 }, (_, i) => (i === 30 ? null : 10)));
    const hourly = makeFeatureContract(PM, []);
    const build = () => buildFeatureMatrix({ sites, observations }, [{ deviceId: 'a', ts: T0 + 60 * MINUTE }], hourly);
    expect(build).toThrow(FeatureContractError);
    expect(build).toThrow(/trained on readings every 60 min, but these arrive every 2 min: .*airfill train/);
    // The same data with a model trained at its cadence, or at a close one (3 min), is scored.
    expect(buildFeatureMatrix({ sites, observations }, [{ deviceId: 'a', ts: T0 + 60 * MINUTE }], { ...hourly, stepMs: 3 * MINUTE }).rows).toBe(1);
  });

  it('prepares the context on the window’s cadence: 2-minute slots for a 2-minute network, hourly ones for hourly data', () => {
    const twoMinutes = prepareFeatureContext({ sites, observations: every(2 * MINUTE, 'a', Array.from({ length: 30 }, () => 1)) }, PM);
    expect([twoMinutes.stepMs, twoMinutes.slotMs]).toEqual([2 * MINUTE, 2 * MINUTE]);
    const hourly = prepareFeatureContext({ sites, observations: every(HOUR, 'a', Array.from({ length: 30 }, () => 1)) }, PM);
    expect([hourly.stepMs, hourly.slotMs]).toEqual([HOUR, HOUR]);
    // Slower than hourly: the features keep the hourly alignment (slots of an hour).
    const daily = prepareFeatureContext({ sites, observations: every(24 * HOUR, 'a', Array.from({ length: 30 }, () => 1)) }, PM);
    expect([daily.stepMs, daily.slotMs]).toEqual([24 * HOUR, HOUR]);
  });
});
