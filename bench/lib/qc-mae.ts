import type { Observation } from '@airfill/features';
import type { QualityFlag } from '@airfill/quality';
import type { InjectedReading } from './inject-faults';
import { isFault, readingKey } from './qc-score';

/**
 * The values a reader would use after quality control: readings flagged
 * invalid replaced by linear interpolation in time between the nearest
 * readings left valid (the nearest one at an edge), everything else as is.
 * Returned per position in `observations`.
 */
export function interpolateInvalid(observations: readonly Observation[], flags: readonly QualityFlag[]): Map<number, number> {
  const invalid = new Set(flags.filter((flag) => flag.severity === 'invalid').map((flag) => readingKey(flag.deviceId, flag.parameter, flag.ts)));
  const series = new Map<string, number[]>();
  observations.forEach((observation, at) => {
    if (observation.value === null) return;
    const id = `${observation.deviceId}\u0000${observation.parameter}`;
    const list = series.get(id) ?? [];
    list.push(at);
    series.set(id, list);
  });
  const filled = new Map<number, number>();
  for (const positions of series.values()) {
    positions.sort((a, b) => observations[a]!.ts - observations[b]!.ts);
    const bad = positions.map((at) => invalid.has(readingKey(observations[at]!.deviceId, observations[at]!.parameter, observations[at]!.ts)));
    let previous = -1;
    for (let i = 0; i < positions.length; i += 1) {
      if (!bad[i]) {
        previous = i;
        continue;
      }
      let next = i + 1;
      while (next < positions.length && bad[next]) next += 1;
      const before = previous >= 0 ? observations[positions[previous]!]! : undefined;
      const after = next < positions.length ? observations[positions[next]!]! : undefined;
      const t = observations[positions[i]!]!.ts;
      let value = NaN;
      if (before && after) value = before.value! + ((after.value! - before.value!) * (t - before.ts)) / (after.ts - before.ts);
      else value = (before ?? after)?.value ?? NaN;
      filled.set(positions[i]!, value);
    }
  }
  return filled;
}

/** Mean absolute error against the truth over the faulty readings, per fault kind and `all`: of the values as injected, and after quality control. */
export function maeOnFaults(observations: readonly Observation[], injected: readonly InjectedReading[], flags: readonly QualityFlag[], scale: number): Map<string, { before: number; after: number; readings: number }> {
  const filled = interpolateInvalid(observations, flags);
  const sums = new Map<string, { before: number; after: number; readings: number }>();
  for (const reading of injected) {
    if (!isFault(reading, scale)) continue;
    const after = filled.get(reading.at) ?? reading.injected;
    for (const group of [reading.kind, 'all']) {
      const entry = sums.get(group) ?? { before: 0, after: 0, readings: 0 };
      entry.before += Math.abs(reading.injected - reading.truth);
      entry.after += Math.abs(after - reading.truth);
      entry.readings += 1;
      sums.set(group, entry);
    }
  }
  for (const entry of sums.values()) {
    entry.before /= entry.readings;
    entry.after /= entry.readings;
  }
  return sums;
}
