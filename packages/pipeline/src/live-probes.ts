import { createHash } from 'node:crypto';
import { cadenceOfTimes, networkCadence } from '@airfill/features';
import { seededRandom, type ContextRecord, type MissingRecord, type ProbeRecord } from '@airfill/schema';

/** An observed series as the context holds it (epoch ms and values, paired by position, oldest first). */
type Series = Pick<Extract<ContextRecord, { kind: 'series' }>, 'deviceId' | 'parameter' | 'ts' | 'values'>;

/** How the live check draws its sample. */
export interface LiveProbeOptions {
  /** Hidden values to aim for (whole blocks, so a few more at most). 0 turns the check off. */
  points: number;
  /** Only values at or after this instant (epoch ms) are hidden. */
  from: number;
  /** Only values at or before this instant (epoch ms) are hidden. */
  to: number;
  /** The seed (the run id): a retried run hides the same values. */
  seed: string;
  /** The first row id of the sample (after the run's missing readings). */
  firstId: number;
}

/** Block lengths (in steps) when the run has no gaps of its own to copy: mostly short, some up to a day at hourly data. */
export const DEFAULT_PROBE_LENGTHS: readonly number[] = [1, 1, 1, 2, 2, 3, 4, 6, 8, 12, 24];

/** The longest block the check hides, in steps: a month-long outage would hide a month of one sensor for one figure. */
export const MAX_PROBE_STEPS = 48;

/**
 * The lengths, in steps, of the runs of consecutive missing readings in
 * `missing` (per device, at the device's observed cadence): the run's own
 * outage structure, which the live check copies so that it scores the model
 * on gaps like the ones it fills. Capped at {@link MAX_PROBE_STEPS}.
 */
export function gapLengthsOf(missing: readonly MissingRecord[], stepOf: (deviceId: string) => number): number[] {
  const byDevice = new Map<string, number[]>();
  for (const record of missing) {
    const list = byDevice.get(record.deviceId) ?? [];
    list.push(Date.parse(record.ts));
    byDevice.set(record.deviceId, list);
  }
  const lengths: number[] = [];
  for (const [deviceId, times] of byDevice) {
    const step = stepOf(deviceId);
    if (!(step > 0)) continue;
    times.sort((a, b) => a - b);
    let length = 1;
    for (let index = 1; index <= times.length; index += 1) {
      if (index < times.length && times[index]! - times[index - 1]! <= 1.5 * step) {
        length += 1;
        continue;
      }
      lengths.push(Math.min(length, MAX_PROBE_STEPS));
      length = 1;
    }
  }
  return lengths;
}

/** A seeded PRNG from a text seed. */
function randomFrom(seed: string): () => number {
  return seededRandom(createHash('sha256').update(seed).digest().readUInt32LE(0));
}

/**
 * Chooses the live check's hidden values among the observed values of the
 * parameter's series in [from, to]: blocks of consecutive observations, each
 * as long as a gap drawn from `gapLengths` (the run's own gaps; the default
 * mix when it has none), each with an observed value on both sides (the
 * block's linear interpolation is recorded as the yardstick) and apart from
 * every other block of its series. Deterministic in `seed`. Returns at most
 * about `points` values, fewer when the data has too few.
 */
export function chooseLiveProbes(series: readonly Series[], parameter: string, gapLengths: readonly number[], options: LiveProbeOptions): ProbeRecord[] {
  if (options.points <= 0) return [];
  const lengths = gapLengths.length ? gapLengths : DEFAULT_PROBE_LENGTHS;
  const steps = cadencesOf(series, parameter);
  // Observation indices [first, last] of each series whose values lie in the window and have a neighbour on each side.
  const candidates = series
    .filter((one) => one.parameter === parameter)
    .map((one) => {
      let first = one.ts.findIndex((t) => t >= options.from);
      if (first < 1) first = first < 0 ? one.ts.length : 1;
      let last = one.ts.length - 2;
      while (last >= first && one.ts[last]! > options.to) last -= 1;
      return { series: one, first, last, step: steps.get(one.deviceId)!, taken: new Uint8Array(one.ts.length) };
    })
    .filter((candidate) => candidate.last >= candidate.first && candidate.step > 0);
  const total = candidates.reduce((sum, candidate) => sum + candidate.last - candidate.first + 1, 0);
  if (total === 0) return [];

  const random = randomFrom(options.seed);
  const chosen: { candidate: (typeof candidates)[number]; start: number; length: number }[] = [];
  let points = 0;
  const attempts = Math.max(50, options.points * 20);
  for (let attempt = 0; attempt < attempts && points < options.points; attempt += 1) {
    // A uniformly drawn observation in the window, then its series.
    let pick = Math.floor(random() * total);
    const candidate = candidates.find((one) => (pick -= one.last - one.first + 1) < 0)!;
    const start = candidate.last + 1 + pick;
    // Whole blocks, the last one too: a cut block would be a shorter gap than the run's.
    const length = Math.min(lengths[Math.floor(random() * lengths.length)]!, MAX_PROBE_STEPS);
    const end = start + length; // exclusive; `end` is the observed value after the block
    if (end > candidate.last + 1) continue;
    const { ts } = candidate.series;
    let contiguous = true;
    for (let index = start + 1; index < end && contiguous; index += 1) contiguous = ts[index]! - ts[index - 1]! <= 1.5 * candidate.step;
    if (!contiguous) continue;
    // The block and the observations that bound it must all be free.
    let free = true;
    for (let index = start - 1; index <= end && free; index += 1) free = candidate.taken[index] === 0;
    if (!free) continue;
    for (let index = start - 1; index <= end; index += 1) candidate.taken[index] = 1;
    chosen.push({ candidate, start, length });
    points += length;
  }

  const probes: ProbeRecord[] = [];
  for (const { candidate, start, length } of chosen) {
    const { ts, values, deviceId } = candidate.series;
    const before = { t: ts[start - 1]!, v: values[start - 1]! };
    const after = { t: ts[start + length]!, v: values[start + length]! };
    for (let index = start; index < start + length; index += 1) {
      const share = (ts[index]! - before.t) / (after.t - before.t);
      probes.push({
        id: options.firstId + probes.length,
        deviceId,
        parameter,
        ts: new Date(ts[index]!).toISOString(),
        truth: values[index]!,
        linear: before.v + (after.v - before.v) * share,
      });
    }
  }
  return probes;
}

/**
 * The context with the hidden values taken out, as if they had never been
 * observed: the probes' features are built on it, so the model sees exactly
 * what it would see had the sensor dropped them.
 */
export function withoutProbes(context: readonly ContextRecord[], probes: readonly ProbeRecord[]): ContextRecord[] {
  const hidden = new Map<string, Set<number>>();
  for (const probe of probes) {
    const key = `${probe.deviceId}\u0000${probe.parameter}`;
    const set = hidden.get(key) ?? new Set<number>();
    set.add(Date.parse(probe.ts));
    hidden.set(key, set);
  }
  return context.map((record) => {
    if (record.kind !== 'series') return record;
    const times = hidden.get(`${record.deviceId}\u0000${record.parameter}`);
    if (!times) return record;
    const ts: number[] = [];
    const values: number[] = [];
    for (const [index, t] of record.ts.entries()) {
      if (times.has(t)) continue;
      ts.push(t);
      values.push(record.values[index]!);
    }
    return { ...record, ts, values };
  });
}

/**
 * Each device's cadence of `parameter` in the context (ms), as the features
 * count it: its own (`cadenceOfTimes`), or the network's when its series is
 * too short to tell.
 */
function cadencesOf(series: readonly Series[], parameter: string): Map<string, number> {
  const own = new Map(series.filter((one) => one.parameter === parameter).map((one) => [one.deviceId, cadenceOfTimes(one.ts)]));
  const network = networkCadence(own.values());
  return new Map([...own].map(([deviceId, step]) => [deviceId, Number.isNaN(step) ? network : step]));
}

/** The cadence of a device's series of `parameter` in the context (ms; see `cadencesOf`), for counting its gaps in steps. */
export function stepsByDevice(series: readonly Series[], parameter: string): (deviceId: string) => number {
  const steps = cadencesOf(series, parameter);
  return (deviceId) => steps.get(deviceId) ?? Number.NaN;
}
