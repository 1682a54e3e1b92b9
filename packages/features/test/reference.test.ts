import { buildFeatureMatrix, distanceKm, makeFeatureContract, type FeatureMatrix, type Observation, type SensorSite } from '../src';

/**
 * Property test: on random irregular data (random sites, jittered times,
 * missing values, other parameters), the vectorised features equal a slow,
 * obvious reference that scans every observation for every target.
 */
const HOUR = 3_600_000;
const PM = 'PM 2.5';
const TOLERANCE = 30 * 60_000;
const CONTEXT = 72 * HOUR;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function randomWindow(seed: number): { sites: SensorSite[]; observations: Observation[] } {
  const next = random(seed);
  const sites = Array.from({ length: 10 }, (_, i) => ({ deviceId: `d${i}`, latitude: 52 + next() * 0.3, longitude: 13 + next() * 0.3 }));
  const observations: Observation[] = [];
  for (const site of sites) {
    for (let hour = 0; hour < 200; hour += 1) {
      for (const parameter of [PM, 'PM 10']) {
        if (next() < 0.15) continue; // no row at all
        const ts = hour * HOUR + Math.round((next() - 0.5) * 20 * 60_000); // up to ±10 min off the hour
        // d0 has a 100-hour PM 2.5 outage: its targets there are beyond the 72 h context on one side or both.
        const outage = site.deviceId === 'd0' && parameter === PM && hour >= 20 && hour < 120;
        observations.push({ deviceId: site.deviceId, parameter, ts, value: outage || next() < 0.2 ? null : Math.round(next() * 1000) / 10 });
      }
    }
  }
  return { sites, observations };
}

/** Observed values of one series, by brute force. */
function observed(observations: Observation[], deviceId: string, parameter: string): { ts: number; value: number }[] {
  return observations
    .filter((o) => o.deviceId === deviceId && o.parameter === parameter && o.value !== null)
    .map((o) => ({ ts: o.ts, value: o.value as number }));
}

function nearest(series: { ts: number; value: number }[], t: number): number {
  let best = NaN;
  let distance = Infinity;
  for (const point of series) {
    const d = Math.abs(point.ts - t);
    if (d <= TOLERANCE && d < distance) {
      distance = d;
      best = point.value;
    }
  }
  return best;
}

function reference(window: { sites: SensorSite[]; observations: Observation[] }, deviceId: string, t: number) {
  const own = observed(window.observations, deviceId, PM);
  const before = own.filter((p) => p.ts < t && t - p.ts <= CONTEXT).sort((a, b) => b.ts - a.ts)[0];
  const after = own.filter((p) => p.ts > t && p.ts - t <= CONTEXT).sort((a, b) => a.ts - b.ts)[0];
  const w = before && after ? (t - before.ts) / (after.ts - before.ts) : NaN;
  const interp = before && after ? before.value + (after.value - before.value) * w : (before?.value ?? after?.value ?? NaN);
  const mean = (points: { value: number }[]) => (points.length ? points.reduce((a, p) => a + p.value, 0) / points.length : NaN);
  const inWindow = own.filter((p) => p.ts >= t - 6 * HOUR && p.ts < t);
  // Slopes just outside the gap: the observation before the last (after the next), when within 3 hours of it.
  const beforeLast = before ? own.filter((p) => p.ts < before.ts).sort((a, b) => b.ts - a.ts)[0] : undefined;
  const afterNext = after ? own.filter((p) => p.ts > after.ts).sort((a, b) => a.ts - b.ts)[0] : undefined;
  const slopeBefore = before && beforeLast && before.ts - beforeLast.ts <= 3 * HOUR ? ((before.value - beforeLast.value) * HOUR) / (before.ts - beforeLast.ts) : NaN;
  const slopeAfter = after && afterNext && afterNext.ts - after.ts <= 3 * HOUR ? ((afterNext.value - after.value) * HOUR) / (afterNext.ts - after.ts) : NaN;
  // Cubic Hermite through the ends with those slopes, minus the straight line.
  const hermite =
    before && after
      ? (2 * w ** 3 - 3 * w ** 2 + 1) * before.value +
        (w ** 3 - 2 * w ** 2 + w) * ((after.ts - before.ts) / HOUR) * slopeBefore +
        (-2 * w ** 3 + 3 * w ** 2) * after.value +
        (w ** 3 - w ** 2) * ((after.ts - before.ts) / HOUR) * slopeAfter
      : NaN;
  // The same span on the days around: how far it strayed from its own interpolation.
  const daily: number[] = [];
  for (const lag of [-3, -2, -1, 1, 2, 3]) {
    const shift = lag * 24 * HOUR;
    const atT = nearest(own, t + shift);
    const atPrev = before ? nearest(own, before.ts + shift) : NaN;
    const atNext = after ? nearest(own, after.ts + shift) : NaN;
    const expected = before && after ? atPrev + (atNext - atPrev) * w : before ? atPrev : atNext;
    if (!Number.isNaN(atT) && !Number.isNaN(expected)) daily.push(atT - expected);
  }
  const others = window.sites.filter((s) => s.deviceId !== deviceId && observed(window.observations, s.deviceId, PM).length > 0);
  const observedNow = others.filter((s) => observed(window.observations, s.deviceId, PM).some((p) => Math.round(p.ts / HOUR) === Math.round(t / HOUR)));
  const site = window.sites.find((s) => s.deviceId === deviceId) as SensorSite;
  const neighbours = window.sites
    .filter((s) => s.deviceId !== deviceId && observed(window.observations, s.deviceId, PM).length > 0)
    .map((s) => ({ s, km: distanceKm(site, s) }))
    .sort((a, b) => a.km - b.km)
    .slice(0, 8);
  let sum = 0;
  let weights = 0;
  let changeSum = 0;
  let changeWeights = 0;
  for (const { s, km } of neighbours) {
    const series = observed(window.observations, s.deviceId, PM);
    const atT = nearest(series, t);
    if (Number.isNaN(atT)) continue;
    const weight = 1 / Math.max(0.5, km) ** 2;
    sum += weight * atT;
    weights += weight;
    const atPrev = before ? nearest(series, before.ts) : NaN;
    const atNext = after ? nearest(series, after.ts) : NaN;
    const expected = before && after ? atPrev + (atNext - atPrev) * w : before ? atPrev : atNext;
    if (!Number.isNaN(expected)) {
      changeSum += weight * (atT - expected);
      changeWeights += weight;
    }
  }
  return {
    own_prev_value: before?.value ?? NaN,
    own_next_gap_h: after ? (after.ts - t) / HOUR : NaN,
    own_interp: interp,
    own_gap_position: w,
    own_slope_before: slopeBefore,
    own_slope_after: slopeAfter,
    own_cubic_delta: hermite - interp,
    own_daily_change: mean(daily.map((value) => ({ value }))),
    own_daily_count: daily.length,
    own_mean_before_6h: mean(inWindow),
    own_mean_after_6h: mean(own.filter((p) => p.ts > t && p.ts <= t + 6 * HOUR)),
    own_mean_before_24h: mean(own.filter((p) => p.ts >= t - 24 * HOUR && p.ts < t)),
    own_mean_after_24h: mean(own.filter((p) => p.ts > t && p.ts <= t + 24 * HOUR)),
    net_observed_share: others.length ? observedNow.length / others.length : NaN,
    nb_idw_delta: (weights > 0 ? sum / weights : NaN) - interp,
    nb_idw_value: weights > 0 ? sum / weights : NaN,
    nb_change_idw: changeWeights > 0 ? changeSum / changeWeights : NaN,
    'other[PM 10]': nearest(observed(window.observations, deviceId, 'PM 10'), t),
  };
}

function cell(matrix: FeatureMatrix, row: number, column: string): number {
  return matrix.values[row * matrix.columns + matrix.contract.columns.indexOf(column)] as number;
}

describe('buildFeatureMatrix against a brute-force reference', () => {
  it.each([1, 2, 3])('agrees on random irregular data (seed %i)', (seed) => {
    const window = randomWindow(seed);
    // Targets: the missing PM 2.5 readings (their own value is null, so never seen).
    const targets = window.observations.filter((o) => o.parameter === PM && o.value === null).map((o) => ({ deviceId: o.deviceId, ts: o.ts }));
    expect(targets.length).toBeGreaterThan(100);
    const matrix = buildFeatureMatrix(window, targets, makeFeatureContract(PM, ['PM 10']));
    targets.forEach((target, row) => {
      const expected = reference(window, target.deviceId, target.ts);
      for (const [column, value] of Object.entries(expected)) {
        const actual = cell(matrix, row, column);
        if (Number.isNaN(value)) expect([column, actual]).toEqual([column, NaN]);
        else expect([column, actual]).toEqual([column, expect.closeTo(value, 9)]);
      }
    });
  });
});
