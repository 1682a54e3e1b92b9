import type { Observation } from '@airfill/features';
import { extractOutagePattern, transplantOutageMask } from '../src/outage-pattern';
import { drawMask, planMasks } from '../src/mask-plan';
import { syntheticNetwork } from './helpers/synthetic';

const HOUR = 3_600_000;
const PM = 'PM 2.5';

/**
 * A network with real outages of a known shape: every other day from 02:00 to
 * 05:00 UTC the whole network is down (all sensors, all parameters), and s1
 * loses only its PM 2.5 channel for 6 hours every third day at noon.
 */
function networkWithOutages(days = 40) {
  const dataset = syntheticNetwork({ sensors: 5, days, seed: 21 });
  const start = dataset.observations[0]!.ts;
  const down = (observation: Observation) => {
    const hour = Math.round((observation.ts - start) / HOUR);
    const hourOfDay = hour % 24;
    const day = Math.floor(hour / 24);
    if (day % 2 === 0 && hourOfDay >= 2 && hourOfDay < 5) return true;
    return observation.deviceId === 's1' && observation.parameter === PM && day % 3 === 0 && hourOfDay >= 12 && hourOfDay < 18;
  };
  const observations = dataset.observations.map((observation) => (down(observation) ? { ...observation, value: null } : observation));
  return { ...dataset, observations, start };
}

describe('extractOutagePattern', () => {
  it("counts the parameter's real gaps and the share of its steps they cover", () => {
    const data = networkWithOutages(10);
    const pattern = extractOutagePattern(data.observations, PM, HOUR);
    // 5 nightly outages at each of 5 sensors, plus s1's 4 daytime ones (days 0, 3, 6, 9).
    expect(pattern.gaps).toBe(5 * 5 + 4);
    expect(pattern.missingShare).toBeCloseTo((5 * 5 * 3 + 4 * 6) / (10 * 24 * 5), 6);
  });

  it('counts a step with no row at all inside a sensor’s span as missing, and nothing before its first row', () => {
    const observations: Observation[] = [0, 1, 3, 4].map((hour) => ({ deviceId: 'a', parameter: PM, ts: hour * HOUR, value: 5 }));
    observations.push({ deviceId: 'b', parameter: PM, ts: 3 * HOUR, value: 5 }, { deviceId: 'b', parameter: PM, ts: 4 * HOUR, value: 5 });
    const pattern = extractOutagePattern(observations, PM, HOUR);
    const bits = Array.from(pattern.missing[0]!);
    expect(bits).toEqual([0, 0, 1, 0, 0, /* b */ 0, 0, 0, 0, 0]);
    expect(pattern.gaps).toBe(1);
  });
});

describe('transplantOutageMask', () => {
  const data = networkWithOutages();
  const pattern = extractOutagePattern(data.observations, PM, HOUR);
  const from = data.start + 20 * 24 * HOUR;
  const to = data.start + 40 * 24 * HOUR;
  // Copies keep the time of day, so only odd-day nights and s1's afternoons can be hidden: about 11% of the values at most.
  const options = { parameter: PM, share: 0.06, seed: 5, from, to };

  it('hides about the requested share of the observed values of the parameter in the range, and nothing else', () => {
    const mask = transplantOutageMask(data.observations, pattern, options);
    let eligible = 0;
    let hidden = 0;
    data.observations.forEach((observation, at) => {
      if (mask[at] === 1) {
        expect(observation.ts >= from && observation.ts < to).toBe(true);
        expect(observation.value).not.toBeNull();
      }
      if (observation.parameter === PM && observation.value !== null && observation.ts >= from && observation.ts < to) {
        eligible += 1;
        hidden += mask[at]!;
      }
    });
    expect(hidden / eligible).toBeGreaterThanOrEqual(0.059);
    expect(hidden / eligible).toBeLessThan(0.08);
  });

  it('copies outages with their time of day, whole-network outages whole, and channel outages as channel outages', () => {
    const mask = transplantOutageMask(data.observations, pattern, options);
    const maskedAt = new Map<number, Set<string>>();
    let otherParameters = 0;
    data.observations.forEach((observation, at) => {
      if (mask[at] !== 1) return;
      const hourOfDay = Math.round((observation.ts - data.start) / HOUR) % 24;
      // The real outages are at 02-05 (network) and 12-18 (s1's channel): copies keep those hours.
      expect((hourOfDay >= 2 && hourOfDay < 5) || (hourOfDay >= 12 && hourOfDay < 18)).toBe(true);
      if (hourOfDay >= 12) expect([observation.deviceId, observation.parameter]).toEqual(['s1', PM]);
      if (observation.parameter !== PM) otherParameters += 1;
      const devices = maskedAt.get(observation.ts) ?? new Set<string>();
      devices.add(observation.deviceId);
      maskedAt.set(observation.ts, devices);
    });
    const nightly = [...maskedAt].filter(([ts]) => Math.round((ts - data.start) / HOUR) % 24 < 5);
    expect(nightly.length).toBeGreaterThan(0);
    // A copied network outage takes every sensor down at once, with all its parameters.
    expect(nightly.every(([, devices]) => devices.size === 5)).toBe(true);
    expect(otherParameters).toBeGreaterThan(0);
  });

  it('draws the same mask for the same seed and another for another seed', () => {
    const first = transplantOutageMask(data.observations, pattern, options);
    expect(transplantOutageMask(data.observations, pattern, options)).toEqual(first);
    expect(transplantOutageMask(data.observations, pattern, { ...options, seed: 6 })).not.toEqual(first);
  });

  it('refuses a pattern read from other observations than the ones it masks', () => {
    expect(() => transplantOutageMask(data.observations.slice(1), pattern, options)).toThrow(/other observations/);
  });
});

describe('planMasks and drawMask', () => {
  it('copies the real outages when the data has enough gaps, and falls back to synthetic shapes when it has not', () => {
    const real = planMasks(networkWithOutages().observations, PM);
    expect(real).toMatchObject({ kind: 'real', stepMs: HOUR });
    const fewGaps = syntheticNetwork({ sensors: 3, days: 10, seed: 2 });
    expect(planMasks(fewGaps.observations, PM)).toMatchObject({ kind: 'synthetic', gaps: 0 });
  });

  it('tops a copied mask up with synthetic shapes when the real outages cannot reach the share', () => {
    const data = networkWithOutages();
    const plan = planMasks(data.observations, PM);
    const options = { parameter: PM, share: 0.2, seed: 3, from: data.start, to: data.start + 40 * 24 * HOUR };
    const mask = drawMask(data.observations, plan, options);
    const eligible = data.observations.filter((observation) => observation.parameter === PM && observation.value !== null).length;
    const hidden = data.observations.filter((observation, at) => observation.parameter === PM && mask[at] === 1).length;
    expect(hidden / eligible).toBeGreaterThanOrEqual(0.95 * 0.2);
    // Synthetic shapes fall at any hour, the copied ones only at the real outages' hours.
    const hours = new Set(data.observations.filter((_, at) => mask[at] === 1).map((observation) => Math.round((observation.ts - data.start) / HOUR) % 24));
    expect([...hours].some((hour) => hour >= 5 && hour < 12)).toBe(true);
  });

  it('masks a part of the data with the pattern of the whole (e.g. the training period)', () => {
    const data = networkWithOutages();
    const plan = planMasks(data.observations, PM);
    const before = data.observations.filter((observation) => observation.ts < data.start + 20 * 24 * HOUR);
    const mask = drawMask(before, plan, { parameter: PM, share: 0.1, seed: 3, from: data.start, to: data.start + 20 * 24 * HOUR });
    expect(mask).toHaveLength(before.length);
    expect(mask.reduce((sum, bit) => sum + bit, 0)).toBeGreaterThan(0);
    before.forEach((observation, at) => {
      if (mask[at] === 1) expect(observation.value).not.toBeNull();
    });
  });
});
