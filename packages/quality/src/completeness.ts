import type { Observation } from '@airfill/features';
import type { QualityFlag } from './flags';
import { cadenceOf, DAY_MS, HOUR_MS } from './series-stats';

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
  /** The expected step between readings; defaults to each series' own usual step (one hour when it cannot tell). */
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
 * to report at its cadence from its first reading in the window (before it,
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
    const cadence = options.cadenceMs ?? usualStep(ts);
    const start = Math.max(options.from ?? first, ts[0] as number);
    const end = options.to ?? last + 1;
    if (!(end > start)) continue;
    const expected = new Map<number, number>();
    for (let slot = start; slot < end; slot += cadence) {
      const day = Math.floor((slot + offset) / DAY_MS);
      expected.set(day, (expected.get(day) ?? 0) + 1);
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

function usualStep(ts: Float64Array): number {
  const cadence = cadenceOf(ts);
  return Number.isFinite(cadence) && cadence > 0 ? cadence : HOUR_MS;
}
