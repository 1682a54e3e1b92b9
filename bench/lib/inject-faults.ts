import type { Observation } from '@airfill/features';
import { seededRandom } from '@airfill/model';

/** The kinds of fault the injector writes into real data. */
export const FAULT_KINDS = ['stuck', 'spike', 'drift', 'fault_constant', 'out_of_range'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One reading the injector changed: where, how, and the value it replaced (the truth). */
export interface InjectedReading {
  /** Position in the observations given (and returned). */
  at: number;
  deviceId: string;
  parameter: string;
  ts: number;
  kind: FaultKind;
  truth: number;
  injected: number;
}

/** How many faults of each kind, per sensor and day of data, and their shapes. */
export interface InjectionOptions {
  parameter: string;
  seed: number;
  /** Windows ([from, to), epoch ms) left untouched on every sensor: the real episodes a benchmark checks. */
  protect?: ReadonlyArray<{ from: number; to: number }>;
  /** Single-reading spikes per sensor per day. @default 0.3 */
  spikesPerSensorDay?: number;
  /** Stuck runs per sensor per day, each 6-36 hours long. @default 1/30 */
  stuckRunsPerSensorDay?: number;
  /** Runs of 1-6 fault constants per sensor per day. @default 1/30 */
  faultConstantRunsPerSensorDay?: number;
  /** The constant written (the SDS011's 999.9 for PM 2.5). @default 999.9 */
  faultConstant?: number;
  /** Out-of-range values per sensor per day. @default 1/60 */
  outOfRangePerSensorDay?: number;
  /** Drifting sensors: one per this many days of data, at least one. @default 120 */
  daysPerDrift?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Writes realistic faults into a copy of real observations of one
 * parameter, deterministically for a seed, and returns what it changed:
 * - stuck: the sensor repeats its last reading for 6-36 hours;
 * - spike: one reading jumps up (by 60-400 or 2-5x, whichever is larger)
 *   or, at 60 or more, drops to under 15 % of itself;
 * - drift: a sensor's gain moves to 1.8-2.5x or 0.4-0.55x (or an offset of
 *   +20-40 is added) over 2 days and stays for 10-25 days (a sixth to a
 *   quarter of the data when that is shorter);
 * - fault_constant: runs of 1-6 readings of the sensor type's fault value;
 * - out_of_range: a negative value or one above any plausible range.
 * Only observed readings change (missing ones stay missing), each at most
 * once; spikes keep a clean reading on both sides and are more than 3 hours
 * from each other across the network. Injected values keep
 * the data's resolution (whole numbers when the data has only those).
 */
export function injectFaults(observations: readonly Observation[], options: InjectionOptions): { observations: Observation[]; injected: InjectedReading[] } {
  const random = seededRandom(options.seed);
  const copy = observations.map((observation) => ({ ...observation }));
  const series = seriesOf(copy, options.parameter);
  const devices = [...series.keys()].sort();
  const injected: InjectedReading[] = [];
  if (devices.length === 0) return { observations: copy, injected };
  const touched = new Uint8Array(copy.length);
  const whole = copy.every((observation) => observation.parameter !== options.parameter || observation.value === null || Number.isInteger(observation.value));
  const round = (value: number) => (whole ? Math.round(value) : Math.round(value * 10) / 10);
  const protectedAt = (ts: number) => (options.protect ?? []).some((window) => ts >= window.from && ts < window.to);
  const free = (at: number) => touched[at] === 0 && !protectedAt(copy[at]!.ts);
  const write = (at: number, kind: FaultKind, value: number) => {
    const observation = copy[at]!;
    injected.push({ at, deviceId: observation.deviceId, parameter: observation.parameter, ts: observation.ts, kind, truth: observation.value!, injected: value });
    observation.value = value;
    touched[at] = 1;
  };
  const first = Math.min(...devices.map((device) => copy[series.get(device)![0]!]!.ts));
  const last = Math.max(...devices.map((device) => copy[series.get(device)!.at(-1)!]!.ts));
  const days = (last - first) / DAY + 1;
  const count = (perSensorDay: number) => Math.round(perSensorDay * devices.length * days);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const between = (low: number, high: number) => low + random() * (high - low);

  // Drift first: it needs long stretches no other fault has taken.
  const drifts = Math.max(1, Math.round(days / (options.daysPerDrift ?? 120)));
  for (let made = 0, attempt = 0; made < drifts && attempt < 200; attempt += 1) {
    const positions = series.get(pick(devices))!;
    // A drift must stay well shorter than the data, or it becomes the usual: 10-25 days in a year, 5-7.5 in a month.
    const plateauDays = between(Math.min(10, days / 6), Math.min(25, days / 4));
    const start = first + random() * Math.max(0, (last - first) - (2 + plateauDays) * DAY);
    const end = start + (2 + plateauDays) * DAY;
    const span = positions.filter((at) => copy[at]!.ts >= start && copy[at]!.ts < end);
    if (span.length === 0 || !span.every(free)) continue;
    const shape = made % 3;
    const gain = shape === 0 ? between(1.8, 2.5) : shape === 1 ? between(0.4, 0.55) : 1;
    const offset = shape === 2 ? between(20, 40) : 0;
    for (const at of span) {
      const ramp = Math.min(1, (copy[at]!.ts - start) / (2 * DAY));
      const truth = copy[at]!.value!;
      write(at, 'drift', round(truth * (1 + ramp * (gain - 1)) + ramp * offset));
    }
    made += 1;
  }

  const runs = (kind: FaultKind, total: number, length: () => number, value: (positions: number[], start: number, at: number) => number) => {
    for (let made = 0, attempt = 0; made < total && attempt < total * 50; attempt += 1) {
      const positions = series.get(pick(devices))!;
      const start = 1 + Math.floor(random() * (positions.length - 1));
      const until = copy[positions[start]!]!.ts + length();
      const run: number[] = [];
      for (let i = start; i < positions.length && copy[positions[i]!]!.ts < until; i += 1) run.push(i);
      const after = run.length > 0 ? run.at(-1)! + 1 : start;
      if (run.length === 0 || !run.every((i) => free(positions[i]!)) || (after < positions.length && !free(positions[after]!))) continue;
      if (!free(positions[start - 1]!)) continue;
      for (const i of run) write(positions[i]!, kind, value(positions, start, i));
      made += 1;
    }
  };
  // Stuck: the last reading before the run, repeated.
  runs('stuck', count(options.stuckRunsPerSensorDay ?? 1 / 30), () => between(6, 36) * HOUR, (positions, start) => copy[positions[start - 1]!]!.value!);
  runs('fault_constant', count(options.faultConstantRunsPerSensorDay ?? 1 / 30), () => (1 + Math.floor(random() * 6)) * HOUR - 1, () => options.faultConstant ?? 999.9);
  runs('out_of_range', count(options.outOfRangePerSensorDay ?? 1 / 60), () => 1, () => (random() < 0.5 ? -round(between(1, 50)) : round(between(3000, 10000))));

  // Spikes: single readings with a clean reading on each side, never within
  // 3 hours of another spike on any sensor: independent glitches that close
  // are rare in real data, and one would "confirm" the other as an episode.
  const spikes = count(options.spikesPerSensorDay ?? 0.3);
  const spikeTimes: number[] = [];
  for (let made = 0, attempt = 0; made < spikes && attempt < spikes * 50; attempt += 1) {
    const positions = series.get(pick(devices))!;
    const i = 1 + Math.floor(random() * (positions.length - 2));
    const [before, at, after] = [positions[i - 1]!, positions[i]!, positions[i + 1]!];
    if (!free(before) || !free(at) || !free(after) || copy[after]!.ts - copy[before]!.ts > 2 * HOUR) continue;
    if (spikeTimes.some((ts) => Math.abs(ts - copy[at]!.ts) <= 3 * HOUR)) continue;
    spikeTimes.push(copy[at]!.ts);
    const truth = copy[at]!.value!;
    const down = truth >= 60 && random() < 0.25;
    write(at, 'spike', down ? round(truth * between(0, 0.15)) : round(truth + Math.max(between(60, 400), truth * between(1, 4))));
    made += 1;
  }
  return { observations: copy, injected };
}

/** Per device, the positions of the parameter's observed readings, in time order. */
function seriesOf(observations: readonly Observation[], parameter: string): Map<string, number[]> {
  const series = new Map<string, number[]>();
  observations.forEach((observation, at) => {
    if (observation.parameter !== parameter || observation.value === null) return;
    let list = series.get(observation.deviceId);
    if (!list) series.set(observation.deviceId, (list = []));
    list.push(at);
  });
  for (const list of series.values()) list.sort((a, b) => observations[a]!.ts - observations[b]!.ts);
  return series;
}
