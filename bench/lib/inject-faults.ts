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
 * from each other across the network. Injected values keep the data's
 * resolution (whole numbers when the data has only those).
 */
export function injectFaults(observations: readonly Observation[], options: InjectionOptions): { observations: Observation[]; injected: InjectedReading[] } {
  const writer = new FaultWriter(observations, options);
  if (writer.devices.length > 0) {
    // Drift first: it needs long stretches no other fault has taken.
    writeDrifts(writer, Math.max(1, Math.round(writer.days / (options.daysPerDrift ?? 120))));
    // Stuck: the last reading before the run, repeated.
    writeRuns(writer, 'stuck', writer.count(options.stuckRunsPerSensorDay ?? 1 / 30), () => writer.between(6, 36) * HOUR, (before) => writer.value(before));
    writeRuns(writer, 'fault_constant', writer.count(options.faultConstantRunsPerSensorDay ?? 1 / 30), () => (1 + Math.floor(writer.random() * 6)) * HOUR - 1, () => options.faultConstant ?? 999.9);
    writeRuns(writer, 'out_of_range', writer.count(options.outOfRangePerSensorDay ?? 1 / 60), () => 1, () =>
      writer.random() < 0.5 ? -writer.round(writer.between(1, 50)) : writer.round(writer.between(3000, 10000)),
    );
    writeSpikes(writer, writer.count(options.spikesPerSensorDay ?? 0.3));
  }
  return { observations: writer.observations, injected: writer.injected };
}

/** The copy being written, what was written, and the parameter's readings per device. */
class FaultWriter {
  readonly observations: Observation[];
  readonly injected: InjectedReading[] = [];
  /** Per device, the positions of the parameter's observed readings, in time order. */
  readonly series: Map<string, number[]>;
  readonly devices: string[];
  readonly first: number;
  readonly last: number;
  readonly days: number;
  readonly random: () => number;
  private readonly touched: Uint8Array;
  private readonly whole: boolean;

  constructor(
    source: readonly Observation[],
    private readonly options: InjectionOptions,
  ) {
    this.observations = source.map((observation) => ({ ...observation }));
    this.random = seededRandom(options.seed);
    this.touched = new Uint8Array(source.length);
    this.series = seriesOf(this.observations, options.parameter);
    this.devices = [...this.series.keys()].sort();
    const spans = [...this.series.values()];
    this.first = Math.min(...spans.map((positions) => this.ts(positions[0] ?? 0)));
    this.last = Math.max(...spans.map((positions) => this.ts(positions.at(-1) ?? 0)));
    this.days = (this.last - this.first) / DAY + 1;
    this.whole = spans.every((positions) => positions.every((at) => Number.isInteger(this.value(at))));
  }

  ts(at: number): number {
    return (this.observations[at] as Observation).ts;
  }

  /** The value at a position of `series` (observed, so never null). */
  value(at: number): number {
    return (this.observations[at] as Observation).value as number;
  }

  /** Not written yet, and outside the protected windows. */
  free(at: number): boolean {
    const ts = this.ts(at);
    return this.touched[at] === 0 && !(this.options.protect ?? []).some((window) => ts >= window.from && ts < window.to);
  }

  write(at: number, kind: FaultKind, value: number): void {
    const observation = this.observations[at] as Observation;
    this.injected.push({ at, deviceId: observation.deviceId, parameter: observation.parameter, ts: observation.ts, kind, truth: this.value(at), injected: value });
    observation.value = value;
    this.touched[at] = 1;
  }

  /** The readings of a device picked at random. */
  pickSeries(): number[] {
    return this.series.get(this.devices[Math.floor(this.random() * this.devices.length)] as string) ?? [];
  }

  /** How many faults a rate per sensor and day makes in this data. */
  count(perSensorDay: number): number {
    return Math.round(perSensorDay * this.devices.length * this.days);
  }

  between(low: number, high: number): number {
    return low + this.random() * (high - low);
  }

  /** At the data's resolution: whole numbers when it has only those, else one decimal. */
  round(value: number): number {
    return this.whole ? Math.round(value) : Math.round(value * 10) / 10;
  }
}

function writeDrifts(writer: FaultWriter, drifts: number): void {
  for (let made = 0, attempt = 0; made < drifts && attempt < 200; attempt += 1) {
    const positions = writer.pickSeries();
    // A drift must stay well shorter than the data, or it becomes the usual: 10-25 days in a year, 5-7.5 in a month.
    const plateauDays = writer.between(Math.min(10, writer.days / 6), Math.min(25, writer.days / 4));
    const start = writer.first + writer.random() * Math.max(0, writer.last - writer.first - (2 + plateauDays) * DAY);
    const end = start + (2 + plateauDays) * DAY;
    const span = positions.filter((at) => writer.ts(at) >= start && writer.ts(at) < end);
    if (span.length === 0 || !span.every((at) => writer.free(at))) continue;
    const shape = made % 3;
    const gain = shape === 0 ? writer.between(1.8, 2.5) : shape === 1 ? writer.between(0.4, 0.55) : 1;
    const offset = shape === 2 ? writer.between(20, 40) : 0;
    for (const at of span) {
      const ramp = Math.min(1, (writer.ts(at) - start) / (2 * DAY));
      writer.write(at, 'drift', writer.round(writer.value(at) * (1 + ramp * (gain - 1)) + ramp * offset));
    }
    made += 1;
  }
}

/** Runs of `length()` ms on one sensor, between untouched readings; `value(before)` gets the position of the reading before the run. */
function writeRuns(writer: FaultWriter, kind: FaultKind, total: number, length: () => number, value: (before: number) => number): void {
  for (let made = 0, attempt = 0; made < total && attempt < total * 50; attempt += 1) {
    const positions = writer.pickSeries();
    const start = 1 + Math.floor(writer.random() * (positions.length - 1));
    const before = positions[start - 1];
    const first = positions[start];
    if (before === undefined || first === undefined || !writer.free(before)) continue;
    const until = writer.ts(first) + length();
    let end = start;
    while (end < positions.length && writer.ts(positions[end] as number) < until) end += 1;
    const run = positions.slice(start, end);
    const after = positions[end];
    if (!run.every((at) => writer.free(at)) || (after !== undefined && !writer.free(after))) continue;
    for (const at of run) writer.write(at, kind, value(before));
    made += 1;
  }
}

/**
 * Single readings with a clean reading on each side, never within 3 hours of
 * another spike on any sensor: independent glitches that close are rare in
 * real data, and one would "confirm" the other as an episode.
 */
function writeSpikes(writer: FaultWriter, total: number): void {
  const times: number[] = [];
  for (let made = 0, attempt = 0; made < total && attempt < total * 50; attempt += 1) {
    const positions = writer.pickSeries();
    const i = 1 + Math.floor(writer.random() * (positions.length - 2));
    const [before, at, after] = [positions[i - 1], positions[i], positions[i + 1]];
    if (before === undefined || at === undefined || after === undefined) continue;
    if (![before, at, after].every((position) => writer.free(position)) || writer.ts(after) - writer.ts(before) > 2 * HOUR) continue;
    if (times.some((ts) => Math.abs(ts - writer.ts(at)) <= 3 * HOUR)) continue;
    times.push(writer.ts(at));
    const truth = writer.value(at);
    const down = truth >= 60 && writer.random() < 0.25;
    writer.write(at, 'spike', writer.round(down ? truth * writer.between(0, 0.15) : truth + Math.max(writer.between(60, 400), truth * writer.between(1, 4))));
    made += 1;
  }
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
  for (const list of series.values()) list.sort((a, b) => (observations[a] as Observation).ts - (observations[b] as Observation).ts);
  return series;
}
