import { drawOutageMask, typicalStepMs } from '../src/masks';
import { syntheticNetwork } from './helpers/synthetic';

const HOUR = 3_600_000;

describe('drawOutageMask', () => {
  const dataset = syntheticNetwork({ sensors: 6, days: 30, seed: 3 });
  const from = dataset.observations[0]!.ts + 5 * 24 * HOUR;
  const to = from + 20 * 24 * HOUR;
  const options = { parameter: 'PM 2.5', share: 0.15, seed: 11, from, to, stepMs: HOUR };

  it('hides about the requested share of the parameter inside the range and nothing outside it', () => {
    const mask = drawOutageMask(dataset.observations, options);
    let inside = 0;
    let hidden = 0;
    dataset.observations.forEach((observation, at) => {
      if (mask[at] === 1) expect(observation.ts >= from && observation.ts < to).toBe(true);
      if (observation.parameter !== 'PM 2.5' || observation.ts < from || observation.ts >= to) return;
      inside += 1;
      hidden += mask[at]!;
    });
    expect(hidden / inside).toBeGreaterThanOrEqual(0.15);
    expect(hidden / inside).toBeLessThan(0.2);
  });

  it('draws the same mask for the same seed and another for another seed', () => {
    const first = drawOutageMask(dataset.observations, options);
    expect(drawOutageMask(dataset.observations, options)).toEqual(first);
    expect(drawOutageMask(dataset.observations, { ...options, seed: 12 })).not.toEqual(first);
  });

  it('makes gaps shaped like outages: single hours and runs of several hours, some taking the whole device down', () => {
    const mask = drawOutageMask(dataset.observations, options);
    const runs: number[] = [];
    const device = 's0';
    let run = 0;
    let otherParametersHidden = 0;
    dataset.observations.forEach((observation, at) => {
      if (observation.deviceId !== device) return;
      if (observation.parameter !== 'PM 2.5') {
        otherParametersHidden += mask[at]!;
        return;
      }
      if (mask[at] === 1) run += 1;
      else if (run > 0) {
        runs.push(run);
        run = 0;
      }
    });
    expect(runs).toContain(1);
    expect(Math.max(...runs)).toBeGreaterThanOrEqual(4);
    expect(otherParametersHidden).toBeGreaterThan(0);
  });

  it('never marks a value that is already missing', () => {
    const withGaps = dataset.observations.map((observation, at) => (at % 5 === 0 ? { ...observation, value: null } : observation));
    const mask = drawOutageMask(withGaps, options);
    withGaps.forEach((observation, at) => {
      if (observation.value === null) expect(mask[at]).toBe(0);
    });
  });
});

describe('typicalStepMs', () => {
  it('finds the hourly step of hourly data', () => {
    expect(typicalStepMs(syntheticNetwork({ sensors: 2, days: 2, seed: 1 }).observations, 'PM 2.5')).toBe(HOUR);
  });
});

describe('masks at any cadence', () => {
  /** One parameter at 4 sensors, a reading every `stepMs` over 10 days, all observed. */
  const network = (stepMs: number) => {
    const observations = [];
    const steps = (10 * 24 * HOUR) / stepMs;
    for (let step = 0; step < steps; step += 1) {
      for (let sensor = 0; sensor < 4; sensor += 1) observations.push({ deviceId: `s${sensor}`, parameter: 'PM 2.5', ts: step * stepMs, value: 10 + sensor });
    }
    return observations;
  };
  /** Lengths (hours) of the masked runs of every sensor. */
  const runHours = (stepMs: number) => {
    const observations = network(stepMs);
    const mask = drawOutageMask(observations, { parameter: 'PM 2.5', share: 0.15, seed: 5, from: 0, to: 10 * 24 * HOUR, stepMs });
    const hours: number[] = [];
    for (let sensor = 0; sensor < 4; sensor += 1) {
      let run = 0;
      observations.forEach((observation, at) => {
        if (observation.deviceId !== `s${sensor}`) return;
        if (mask[at] === 1) run += 1;
        else if (run > 0) {
          hours.push((run * stepMs) / HOUR);
          run = 0;
        }
      });
    }
    return hours.sort((a, b) => a - b);
  };

  it('finds the step of 2-minute data', () => {
    expect(typicalStepMs(network(2 * 60_000), 'PM 2.5')).toBe(2 * 60_000);
  });

  it('draws gaps as long in hours at 2 minutes as at an hour (30 times the steps), and gaps shorter than an hour only at 2 minutes', () => {
    const hourly = runHours(HOUR);
    const twoMinutes = runHours(2 * 60_000);
    const median = (list: number[]) => list[list.length >> 1]!;
    expect(twoMinutes.length).toBeGreaterThan(10);
    expect(hourly.length).toBeGreaterThan(10);
    expect(median(twoMinutes)).toBeGreaterThan(median(hourly) / 2);
    expect(median(twoMinutes)).toBeLessThan(median(hourly) * 2);
    expect(Math.max(...twoMinutes)).toBeGreaterThanOrEqual(9);
    expect(hourly.every((hours) => hours >= 1)).toBe(true);
    expect(twoMinutes.filter((hours) => hours < 1).length).toBeGreaterThan(2);
  });
});
