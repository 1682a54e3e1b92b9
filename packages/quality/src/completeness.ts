import { lowerBound, type Observation } from '@airfill/features';
import type { QualityFlag } from './flags';
import { DAY_MS, HOUR_MS } from './series-stats';

/**
 * Data capture of one channel on one day, as the EEA defines it: valid
 * readings / expected readings (Directive 2008/50/EC and the e-reporting
 * guidance: DC = N valid / N total). A reading is valid when it has a value
 * and no `invalid` flag.
 */
export interface DailyCompleteness {
  deviceId: string;
  parameter: string;
  /** The day, `YYYY-MM-DD`, in the time zone of `utcOffsetMinutes`. */
  day: string;
  valid: number;
  expected: number;
  /** valid / expected, at most 1. */
  capture: number;
  /** capture >= minCapture: the day's mean may be reported. */
  meetsObjective: boolean;
}

/** Options of {@link dailyCompleteness}. */
export interface CompletenessOptions {
  /** Flags of these readings; `invalid` ones do not count as valid. */
  flags?: readonly QualityFlag[];
  /** The window (epoch ms, [from, to)); defaults to the first reading of all to just past the last. */
  from?: number;
  to?: number;
  /**
   * The expected step between readings; defaults to each channel's own: the
   * most common step between its latest 200 readings before the window's
   * end (one hour when it has fewer than two), as the read API counts.
   */
  cadenceMs?: number;
  /**
   * The share a day needs: 75 %, the Directive's rule for aggregating hourly
   * values (Annex VII: a daily mean needs 18 of 24 hourly values).
   */
  minCapture?: number;
  /** Days start at midnight of this offset from UTC (480 for Beijing); 0 by default. */
  utcOffsetMinutes?: number;
}

/**
 * Data capture per channel (device, parameter) and day. A channel is expected
 * to report at its cadence (each day: the part of it in the window, after
 * the channel's first reading, over the cadence, rounded up; the read API's
 * `readDailyCompleteness` counts the same in SQL) from its first reading in the window (before it,
 * it may not have existed) to the window's end (a sensor that went silent
 * still counts, so a dead sensor shows days at 0). Rows with a null value
 * and rows that never arrived count the same: expected, not valid.
 */
export function dailyCompleteness(observations: readonly Observation[], options: CompletenessOptions = {}): DailyCompleteness[] {
  const minCapture = options.minCapture ?? 0.75;
  const offset = (options.utcOffsetMinutes ?? 0) * 60_000;
  const invalid = new Set((options.flags ?? []).filter((flag) => flag.severity === 'invalid').map((flag) => `${flag.deviceId}\u0000${flag.parameter}\u0000${flag.ts}`));
  const channels = new Map<string, { deviceId: string; parameter: string; ts: number[]; valid: Set<number> }>();
  let first = Infinity;
  let last = -Infinity;
  for (const observation of observations) {
    if (!Number.isFinite(observation.ts)) continue;
    first = Math.min(first, observation.ts);
    last = Math.max(last, observation.ts);
    const key = `${observation.deviceId}\u0000${observation.parameter}`;
    let channel = channels.get(key);
    if (!channel) channels.set(key, (channel = { deviceId: observation.deviceId, parameter: observation.parameter, ts: [], valid: new Set() }));
    channel.ts.push(observation.ts);
    const value = observation.value;
    if (value !== null && Number.isFinite(value) && !invalid.has(`${key}\u0000${observation.ts}`)) channel.valid.add(observation.ts);
  }
  const rows: DailyCompleteness[] = [];
  for (const channel of channels.values()) {
    const ts = Float64Array.from(channel.ts).sort();
    const end = options.to ?? last + 1;
    const cadence = options.cadenceMs ?? channelCadence(ts, end);
    const start = Math.max(options.from ?? first, ts[0] as number);
    if (!(end > start)) continue;
    // Per day, the part of it inside [start, end) divided by the cadence, rounded up (the read API's SQL counts the same).
    const expected = new Map<number, number>();
    for (let day = Math.floor((start + offset) / DAY_MS); day * DAY_MS - offset < end; day += 1) {
      const from = Math.max(day * DAY_MS - offset, start);
      const to = Math.min((day + 1) * DAY_MS - offset, end);
      expected.set(day, Math.ceil((to - from) / cadence));
    }
    const valid = new Map<number, number>();
    for (const t of channel.valid) {
      if (t < start || t >= end) continue;
      const day = Math.floor((t + offset) / DAY_MS);
      valid.set(day, (valid.get(day) ?? 0) + 1);
    }
    for (const [day, count] of expected) {
      const good = valid.get(day) ?? 0;
      const capture = Math.min(1, good / count);
      rows.push({
        deviceId: channel.deviceId,
        parameter: channel.parameter,
        day: new Date(day * DAY_MS).toISOString().slice(0, 10),
        valid: good,
        expected: count,
        capture,
        meetsObjective: capture >= minCapture,
      });
    }
  }
  rows.sort((a, b) => (a.deviceId !== b.deviceId ? (a.deviceId < b.deviceId ? -1 : 1) : a.parameter !== b.parameter ? (a.parameter < b.parameter ? -1 : 1) : a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return rows;
}

/** Readings a channel's cadence is taken from: its latest before the window ends (the read API's `CADENCE_SAMPLE`). */
export const CADENCE_SAMPLE = 200;

/**
 * A channel's cadence: the most common step between its latest
 * {@link CADENCE_SAMPLE} readings before `end` (the smallest on a tie), one
 * hour when there is no step. A device that writes nothing during an outage
 * leaves no rows, so rows alone cannot say what was expected; the most common
 * step can, where a median of steps would grow with the outages.
 */
export function channelCadence(sortedTs: Float64Array, end: number): number {
  const last = lowerBound(sortedTs, end);
  const counts = new Map<number, number>();
  for (let i = Math.max(0, last - CADENCE_SAMPLE) + 1; i < last; i += 1) {
    const step = (sortedTs[i] as number) - (sortedTs[i - 1] as number);
    if (step > 0) counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  let best = HOUR_MS;
  let bestCount = 0;
  for (const [step, count] of counts) {
    if (count > bestCount || (count === bestCount && step < best)) [best, bestCount] = [step, count];
  }
  return best;
}
