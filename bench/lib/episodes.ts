import type { Observation } from '@airfill/features';

/** A real high-pollution episode: hours when most sensors read high at once. */
export interface Episode {
  from: number;
  /** Exclusive. */
  to: number;
  /** The highest reading of the parameter in it, where, and how many sensors were high at its worst hour. */
  peak: { value: number; deviceId: string; ts: number };
  sensorsHigh: number;
  sensors: number;
}

const HOUR = 3_600_000;

/**
 * Finds the episodes of a parameter: hours when at least half of the
 * sensors reporting it (and at least three) read `threshold` or more,
 * merged when less than `mergeHours` apart, padded by `padHours` on each
 * side (the rise and the fall belong to it).
 */
export function findEpisodes(
  observations: readonly Observation[],
  parameter: string,
  threshold: number,
  options: { mergeHours?: number; padHours?: number } = {},
): Episode[] {
  const hours = new Map<number, { reporting: number; high: number; peak: Observation }>();
  for (const observation of observations) {
    if (observation.parameter !== parameter || observation.value === null) continue;
    const hour = Math.floor(observation.ts / HOUR) * HOUR;
    const entry = hours.get(hour) ?? { reporting: 0, high: 0, peak: observation };
    entry.reporting += 1;
    if (observation.value >= threshold) entry.high += 1;
    if (observation.value > (entry.peak.value ?? -Infinity)) entry.peak = observation;
    hours.set(hour, entry);
  }
  const merge = (options.mergeHours ?? 12) * HOUR;
  const pad = (options.padHours ?? 6) * HOUR;
  const episodes: Episode[] = [];
  for (const hour of [...hours.keys()].sort((a, b) => a - b)) {
    const entry = hours.get(hour)!;
    if (entry.high < Math.max(3, entry.reporting / 2)) continue;
    const last = episodes.at(-1);
    if (last && hour - (last.to - pad) <= merge) {
      last.to = hour + HOUR + pad;
      if (entry.peak.value! > last.peak.value) last.peak = { value: entry.peak.value!, deviceId: entry.peak.deviceId, ts: entry.peak.ts };
      if (entry.high > last.sensorsHigh) [last.sensorsHigh, last.sensors] = [entry.high, entry.reporting];
    } else {
      episodes.push({
        from: hour - pad,
        to: hour + HOUR + pad,
        peak: { value: entry.peak.value!, deviceId: entry.peak.deviceId, ts: entry.peak.ts },
        sensorsHigh: entry.high,
        sensors: entry.reporting,
      });
    }
  }
  return episodes;
}

/** The value below which `share` of the hourly medians across sensors fall: what "high" means in this data. */
export function networkQuantile(observations: readonly Observation[], parameter: string, share: number): number {
  const byHour = new Map<number, number[]>();
  for (const observation of observations) {
    if (observation.parameter !== parameter || observation.value === null) continue;
    const hour = Math.floor(observation.ts / HOUR);
    const list = byHour.get(hour) ?? [];
    list.push(observation.value);
    byHour.set(hour, list);
  }
  const medians = [...byHour.values()].map((list) => list.sort((a, b) => a - b)[list.length >> 1]!).sort((a, b) => a - b);
  return medians[Math.min(medians.length - 1, Math.floor(share * medians.length))] ?? NaN;
}
