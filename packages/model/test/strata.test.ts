import { indexObservations, type Observation } from '@airfill/features';
import { computeIntervalMetrics } from '../src/interval-metrics';
import { gapStratumOf, stratifyTargets } from '../src/strata';

const HOUR = 3_600_000;
const PM = 'PM 2.5';

describe('gapStratumOf', () => {
  it('puts hourly gap lengths in the strata 1, 2-3, 4-8, 9-24 and 25+ hours', () => {
    expect([1, 2, 3, 4, 8, 9, 24, 25, Infinity].map((steps) => gapStratumOf(steps, HOUR))).toEqual(['1', '2-3', '2-3', '4-8', '4-8', '9-24', '9-24', '25+', '25+']);
  });

  it('counts the wall-clock hours a gap spans at any cadence, so 30 two-minute steps are the 1 h stratum', () => {
    const twoMinutes = 2 * 60_000;
    expect([1, 30, 31, 90, 91, 240, 241, 720, 721].map((steps) => gapStratumOf(steps, twoMinutes))).toEqual(['1', '1', '2-3', '2-3', '4-8', '4-8', '9-24', '9-24', '25+']);
  });
});

describe('stratifyTargets', () => {
  const series = (deviceId: string, values: (number | null)[]): Observation[] => values.map((value, hour) => ({ deviceId, parameter: PM, ts: hour * HOUR, value }));
  // a: observed at 0, missing 1-3, observed at 4, missing 5..9 (to the end). b: observed only at 2.
  const observations = [...series('a', [1, null, null, null, 5, null, null, null, null, null]), ...series('b', [null, null, 7, null])];
  const index = indexObservations(observations);

  it('counts the missing steps between the last and next observed value, open-ended gaps as 25+', () => {
    const strata = stratifyTargets(index, PM, [{ deviceId: 'a', ts: 2 * HOUR }, { deviceId: 'a', ts: 7 * HOUR }], HOUR);
    expect(strata.map((s) => [s.gapSteps, s.gap])).toEqual([
      [3, '2-3'],
      [Infinity, '25+'],
    ]);
  });

  it('counts the other sensors observed at the target’s time', () => {
    const strata = stratifyTargets(index, PM, [{ deviceId: 'a', ts: 2 * HOUR }, { deviceId: 'a', ts: 3 * HOUR }], HOUR);
    expect(strata.map((s) => [s.neighboursObserved, s.neighbours])).toEqual([
      [1, 'some'],
      [0, 'none'],
    ]);
  });
});

describe('computeIntervalMetrics', () => {
  it('gives coverage, mean width and the interval score, which charges 2/alpha per unit outside', () => {
    const metrics = computeIntervalMetrics([5, 12, 0], [0, 0, 1], [10, 10, 3], 0.9);
    expect(metrics.count).toBe(3);
    expect(metrics.coverage).toBeCloseTo(1 / 3, 12);
    expect(metrics.meanWidth).toBeCloseTo((10 + 10 + 2) / 3, 12);
    // 12 is 2 above its interval, 0 is 1 below its own: penalties 20 * 2 and 20 * 1.
    expect(metrics.intervalScore).toBeCloseTo((10 + (10 + 40) + (2 + 20)) / 3, 12);
  });
});
