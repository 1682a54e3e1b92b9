import { buildFeatureMatrix, makeFeatureContract, type FeatureMatrix, type Observation, type SensorSite } from '../src';

/**
 * Every window of the feature builder, at its edges: an absurd value just
 * outside a window must leave its feature alone, the same value just inside
 * must move it. And no feature may look past the context the contract tells
 * callers to fetch.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T = Date.UTC(2024, 5, 1, 12);
const PM = 'PM 2.5';
const POISON = 1e6;
const sites: SensorSite[] = [
  { deviceId: 'a', latitude: 0, longitude: 0 },
  { deviceId: 'b', latitude: 0, longitude: 0.01 },
];
const contract = makeFeatureContract(PM, ['PM 10']);

/** Hourly PM 2.5 at a and b, flat at 10, for ten days around T; a is missing at T. */
function flat(): Observation[] {
  const observations: Observation[] = [];
  for (let hour = -240; hour <= 240; hour += 1) {
    const ts = T + hour * HOUR;
    observations.push({ deviceId: 'a', parameter: PM, ts, value: hour === 0 ? null : 10 });
    observations.push({ deviceId: 'b', parameter: PM, ts, value: 10 });
    observations.push({ deviceId: 'a', parameter: 'PM 10', ts, value: 20 });
  }
  return observations;
}

function poison(observations: Observation[], deviceId: string, ts: number, parameter = PM): Observation[] {
  return observations.map((o) => (o.deviceId === deviceId && o.ts === ts && o.parameter === parameter && o.value !== null ? { ...o, value: POISON } : o));
}

function cell(matrix: FeatureMatrix, column: string): number {
  return matrix.values[contract.columns.indexOf(column)] as number;
}

const features = (observations: Observation[]) => buildFeatureMatrix({ sites, observations }, [{ deviceId: 'a', ts: T }], contract);

describe('feature windows, at their edges', () => {
  it.each([
    // column, device, just inside (offset from T), just outside
    ['own_mean_before_6h', 'a', -6 * HOUR, -7 * HOUR],
    ['own_mean_after_6h', 'a', 6 * HOUR, 7 * HOUR],
    ['own_mean_before_24h', 'a', -24 * HOUR, -25 * HOUR],
    ['own_mean_after_24h', 'a', 24 * HOUR, 25 * HOUR],
    ['nb_idw_mean_6h', 'b', -6 * HOUR, -7 * HOUR],
    ['nb_idw_mean_6h', 'b', 0, 1 * HOUR],
    ['own_daily_change', 'a', -3 * DAY, -4 * DAY],
    ['own_daily_change', 'a', 3 * DAY, 4 * DAY],
  ])('%s (%s) sees a value at T%+d ms and not one at T%+d ms', (column, device, inside, outside) => {
    const base = flat();
    const clean = cell(features(base), column);
    expect(Number.isNaN(clean)).toBe(false);
    expect(cell(features(poison(base, device, T + outside)), column)).toBe(clean);
    expect(cell(features(poison(base, device, T + inside)), column)).not.toBe(clean);
  });

  it('looks for the last and next observed value up to 72 hours away, not further', () => {
    const hours = (from: number, to: number) => (o: Observation) => o.deviceId === 'a' && o.parameter === PM && o.ts > T + from * HOUR && o.ts < T + to * HOUR;
    const within = flat().map((o) => (hours(-72, 72)(o) ? { ...o, value: null } : o));
    expect(cell(features(within), 'own_prev_gap_h')).toBe(72);
    expect(cell(features(within), 'own_next_gap_h')).toBe(72);
    const beyond = flat().map((o) => (hours(-73, 73)(o) ? { ...o, value: null } : o));
    expect(Number.isNaN(cell(features(beyond), 'own_prev_gap_h'))).toBe(true);
    expect(Number.isNaN(cell(features(beyond), 'own_next_gap_h'))).toBe(true);
  });

  it('uses nothing beyond the context the contract asks callers to fetch', () => {
    const base = flat();
    const clean = Array.from(features(base).values);
    const far = base.map((o) => (o.ts < T - contract.contextBeforeMs || o.ts > T + contract.contextAfterMs ? { ...o, value: POISON } : o));
    const moved = contract.columns.filter((column, at) => !Object.is(features(far).values[at], clean[at]));
    expect(moved).toEqual([]);
    // And the edge is tight: a gap whose last value is 72 hours back and has no next value reaches it by the furthest daily lag.
    const gapped = base.map((o) => (o.deviceId === 'a' && o.parameter === PM && o.ts > T - 72 * HOUR && o.ts < T + 80 * HOUR ? { ...o, value: null } : o));
    const edge = T - 72 * HOUR - 3 * DAY;
    expect(T - edge).toBeLessThanOrEqual(contract.contextBeforeMs);
    expect(cell(features(poison(gapped, 'a', edge)), 'own_daily_change')).not.toBe(cell(features(gapped), 'own_daily_change'));
  });
});
