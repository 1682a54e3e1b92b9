import { cadenceOfTimes, networkCadence } from './cadence';
import { FeatureContractError } from './errors';
import type { Observation, ObservedSeries } from './contract';

/** The observed values of one parameter at one sensor, sorted by time, with prefix sums for window means. */
export interface Series {
  ts: Float64Array;
  values: Float64Array;
  /** prefix[i] = sum of values[0..i-1]. */
  prefix: Float64Array;
  /**
   * The step it reports at (ms): detected from its own timestamps, or its
   * network's (the parameter's other series in the window) when it has too
   * few readings to say (see `cadenceOfTimes`).
   */
  stepMs: number;
}

/** device -> parameter -> observed series. Missing (null/NaN) observations are left out. */
export type SeriesIndex = Map<string, Map<string, Series>>;

/** Readings gathered per device and parameter before they become {@link Series}. */
class SeriesGroups {
  private readonly groups = new Map<string, Map<string, { ts: number[]; values: number[] }>>();

  /** Adds one reading; non-finite values and times are left out, as missing. */
  add(deviceId: string, parameter: string, ts: number, value: number | null): void {
    if (value === null || !Number.isFinite(value) || !Number.isFinite(ts)) return;
    let byParameter = this.groups.get(deviceId);
    if (!byParameter) this.groups.set(deviceId, (byParameter = new Map()));
    let group = byParameter.get(parameter);
    if (!group) byParameter.set(parameter, (group = { ts: [], values: [] }));
    group.ts.push(ts);
    group.values.push(value);
  }

  /** The sorted typed-array series of every device and parameter with at least one reading. */
  index(): SeriesIndex {
    return withNetworkCadences(this.build());
  }

  /** As `index`, before series without a cadence of their own get their network's. */
  build(): SeriesIndex {
    const index: SeriesIndex = new Map();
    for (const [deviceId, byParameter] of this.groups) {
      const series = new Map<string, Series>();
      for (const [parameter, group] of byParameter) series.set(parameter, toSeries(group.ts, group.values));
      index.set(deviceId, series);
    }
    return index;
  }
}

/** Groups observations into sorted typed-array series, once per window, so every lookup is a binary search. */
export function indexObservations(observations: readonly Observation[]): SeriesIndex {
  const groups = new SeriesGroups();
  for (const observation of observations) groups.add(observation.deviceId, observation.parameter, observation.ts, observation.value);
  return groups.index();
}

/** Gives every series without a cadence of its own the cadence of its parameter's network. */
function withNetworkCadences(index: SeriesIndex): SeriesIndex {
  const byParameter = new Map<string, number[]>();
  for (const series of index.values()) {
    for (const [parameter, one] of series) {
      let list = byParameter.get(parameter);
      if (!list) byParameter.set(parameter, (list = []));
      list.push(one.stepMs);
    }
  }
  const network = new Map([...byParameter].map(([parameter, steps]) => [parameter, networkCadence(steps)]));
  for (const series of index.values()) {
    for (const [parameter, one] of series) if (!Number.isFinite(one.stepMs)) one.stepMs = network.get(parameter) as number;
  }
  return index;
}

/** The cadence of `parameter` across a window's series (see `networkCadence`). */
export function parameterCadence(index: SeriesIndex, parameter: string): number {
  const steps: number[] = [];
  for (const series of index.values()) {
    const one = series.get(parameter);
    if (one) steps.push(one.stepMs);
  }
  return networkCadence(steps);
}

/**
 * Indexes series that arrive already grouped (query-missing's context file),
 * without a record per reading. Non-finite values are left out, as missing;
 * a series given twice is joined.
 */
export function indexSeries(list: readonly ObservedSeries[]): SeriesIndex {
  const groups = new SeriesGroups();
  const given = new Map<string, number>();
  for (const entry of list) {
    const key = `${entry.deviceId}\u0000${entry.parameter}`;
    given.set(key, (given.get(key) ?? 0) + 1);
  }
  const ready = new Map<string, Series>();
  for (const entry of list) {
    if (entry.ts.length !== entry.values.length) {
      throw new FeatureContractError(`the series of ${entry.parameter} at ${entry.deviceId} has ${entry.ts.length} times for ${entry.values.length} values`, { deviceId: entry.deviceId, parameter: entry.parameter });
    }
    // The usual case (the database's context and windows): one sorted, finite series per channel, typed straight away.
    const key = `${entry.deviceId}\u0000${entry.parameter}`;
    const direct = given.get(key) === 1 ? sortedFiniteSeries(entry.ts, entry.values) : null;
    if (direct) ready.set(key, direct);
    else for (let i = 0; i < entry.ts.length; i += 1) groups.add(entry.deviceId, entry.parameter, entry.ts[i] as number, entry.values[i] as number);
  }
  // In the order the list first names each sensor and parameter, as when every series went through the groups.
  const built = groups.build();
  const index: SeriesIndex = new Map();
  for (const entry of list) {
    const series = ready.get(`${entry.deviceId}\u0000${entry.parameter}`) ?? built.get(entry.deviceId)?.get(entry.parameter);
    if (!series) continue;
    let byParameter = index.get(entry.deviceId);
    if (!byParameter) index.set(entry.deviceId, (byParameter = new Map()));
    if (!byParameter.has(entry.parameter)) byParameter.set(entry.parameter, series);
  }
  return withNetworkCadences(index);
}

/** The series as typed arrays when its times are finite and strictly increasing and its values finite (else null: the general path sorts and filters). */
function sortedFiniteSeries(ts: readonly number[], values: readonly number[]): Series | null {
  if (ts.length === 0) return null;
  const series: Series = { ts: new Float64Array(ts.length), values: new Float64Array(ts.length), prefix: new Float64Array(ts.length + 1), stepMs: NaN };
  let last = -Infinity;
  for (let i = 0; i < ts.length; i += 1) {
    const t = ts[i] as number;
    const value = values[i] as number;
    if (!(t > last) || !Number.isFinite(t) || !Number.isFinite(value)) return null;
    last = t;
    series.ts[i] = t;
    series.values[i] = value;
    series.prefix[i + 1] = (series.prefix[i] as number) + value;
  }
  series.stepMs = cadenceOfTimes(series.ts);
  return series;
}

/** Groups readings into one {@link ObservedSeries} per sensor and parameter, observed values only, sorted by time. */
export function groupObservations(observations: readonly Observation[]): ObservedSeries[] {
  const list: ObservedSeries[] = [];
  for (const [deviceId, byParameter] of indexObservations(observations)) {
    for (const [parameter, series] of byParameter) list.push({ deviceId, parameter, ts: Array.from(series.ts), values: Array.from(series.values) });
  }
  return list;
}

function toSeries(ts: number[], values: number[]): Series {
  const order = Array.from(ts.keys());
  let sorted = true;
  for (let i = 1; i < ts.length; i += 1) if ((ts[i] as number) < (ts[i - 1] as number)) sorted = false;
  if (!sorted) order.sort((a, b) => (ts[a] as number) - (ts[b] as number));
  const series: Series = {
    ts: new Float64Array(ts.length),
    values: new Float64Array(ts.length),
    prefix: new Float64Array(ts.length + 1),
    stepMs: NaN,
  };
  order.forEach((from, to) => {
    series.ts[to] = ts[from] as number;
    series.values[to] = values[from] as number;
    series.prefix[to + 1] = (series.prefix[to] as number) + (values[from] as number);
  });
  series.stepMs = cadenceOfTimes(series.ts);
  return series;
}

/** First index with ts >= t (ts.length when none). */
export function lowerBound(ts: Float64Array, t: number): number {
  let low = 0;
  let high = ts.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((ts[mid] as number) < t) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** First index with ts > t. */
export function upperBound(ts: Float64Array, t: number): number {
  let low = 0;
  let high = ts.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((ts[mid] as number) <= t) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The observed value nearest to t within ±tolerance, else NaN. */
export function valueNear(series: Series | undefined, t: number, tolerance: number): number {
  if (!series || !Number.isFinite(t)) return NaN;
  const at = lowerBound(series.ts, t - tolerance);
  let best = NaN;
  let bestDistance = Infinity;
  for (let i = at; i < series.ts.length && (series.ts[i] as number) <= t + tolerance; i += 1) {
    const distance = Math.abs((series.ts[i] as number) - t);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = series.values[i] as number;
    }
  }
  return best;
}

/** Mean of the observed values with from <= ts < to, else NaN. */
export function windowMean(series: Series | undefined, from: number, to: number): number {
  if (!series) return NaN;
  const start = lowerBound(series.ts, from);
  const end = lowerBound(series.ts, to);
  if (end <= start) return NaN;
  return ((series.prefix[end] as number) - (series.prefix[start] as number)) / (end - start);
}

/** Mean of a whole series, else NaN. */
export function seriesMean(series: Series | undefined): number {
  if (!series || series.ts.length === 0) return NaN;
  return (series.prefix[series.ts.length] as number) / series.ts.length;
}
