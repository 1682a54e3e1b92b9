import type { Observation, SensorSite } from '@airfill/features';
import { seededRandom } from '@airfill/model';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const T0 = Date.UTC(2024, 0, 1);
export const PM25 = 'PM 2.5';
export const PM10 = 'PM 10';

/** Five sensors a few km apart (0.02° of latitude is about 2.2 km). */
export const SITES: SensorSite[] = ['a', 'b', 'c', 'd', 'e'].map((deviceId, at) => ({ deviceId, latitude: 40 + 0.02 * at, longitude: 116 + 0.01 * (at % 2) }));

/**
 * The regional air of `hours` hours: a daily cycle around `level` with slow
 * weather swings, the same for every sensor (what neighbours agree on).
 */
export function regional(hours: number, level = 40, seed = 1): number[] {
  const next = seededRandom(seed);
  let weather = 0;
  return Array.from({ length: hours }, (_, hour) => {
    weather = 0.97 * weather + 0.15 * (next() - 0.5);
    return Math.max(2, level * (1 + 0.4 * Math.sin((2 * Math.PI * hour) / 24) + weather));
  });
}

/**
 * Hourly observations of one parameter at every site: the regional series
 * times each sensor's own factor, plus a little noise, rounded to whole
 * numbers as many networks report them. `edit` changes one sensor's values
 * (a fault, a local event) before they are emitted.
 */
export function network(options: {
  hours: number;
  parameter?: string;
  level?: number;
  seed?: number;
  factors?: Record<string, number>;
  edit?: Record<string, (values: number[]) => void>;
}): Observation[] {
  const parameter = options.parameter ?? PM25;
  const air = regional(options.hours, options.level ?? 40, options.seed ?? 1);
  const noise = seededRandom((options.seed ?? 1) + 99);
  const observations: Observation[] = [];
  for (const site of SITES) {
    const factor = options.factors?.[site.deviceId] ?? 1;
    const values = air.map((value) => Math.round(value * factor * (1 + 0.08 * (noise() - 0.5))));
    options.edit?.[site.deviceId]?.(values);
    values.forEach((value, hour) => observations.push({ deviceId: site.deviceId, parameter, ts: T0 + hour * HOUR, value }));
  }
  return observations;
}

/** The values of one sensor and parameter, in time order. */
export function valuesOf(observations: readonly Observation[], deviceId: string, parameter = PM25): (number | null)[] {
  return observations
    .filter((o) => o.deviceId === deviceId && o.parameter === parameter)
    .sort((x, y) => x.ts - y.ts)
    .map((o) => o.value);
}

/** Hours (from T0) of the flags of one check on one sensor. */
export function flaggedHours(flags: ReadonlyArray<{ deviceId: string; parameter: string; ts: number; check: string }>, check: string, deviceId: string, parameter = PM25): number[] {
  return flags.filter((flag) => flag.check === check && flag.deviceId === deviceId && flag.parameter === parameter).map((flag) => (flag.ts - T0) / HOUR);
}
