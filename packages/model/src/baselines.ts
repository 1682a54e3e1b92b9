import { indexObservations, lowerBound, upperBound, type FeatureTarget, type Observation, type Series } from '@airfill/features';

/** The three reference methods a model must beat. */
export interface BaselinePredictions {
  stationMean: Float64Array;
  locf: Float64Array;
  linear: Float64Array;
}

/**
 * Station mean, last observation carried forward and linear interpolation in
 * time, from the same (masked) observations the model sees. Where a method
 * has nothing to go on it falls back (next observation, then station mean,
 * then the parameter's overall mean) so every target gets a number.
 */
export function baselinePredictions(observations: readonly Observation[], parameter: string, targets: readonly FeatureTarget[]): BaselinePredictions {
  const index = indexObservations(observations.filter((observation) => observation.parameter === parameter));
  let sum = 0;
  let count = 0;
  const means = new Map<string, number>();
  for (const [deviceId, byParameter] of index) {
    const series = byParameter.get(parameter);
    if (!series || series.ts.length === 0) continue;
    const total = series.prefix[series.ts.length] as number;
    means.set(deviceId, total / series.ts.length);
    sum += total;
    count += series.ts.length;
  }
  const overall = count > 0 ? sum / count : NaN;
  const result: BaselinePredictions = {
    stationMean: new Float64Array(targets.length),
    locf: new Float64Array(targets.length),
    linear: new Float64Array(targets.length),
  };
  targets.forEach((target, row) => {
    const series: Series | undefined = index.get(target.deviceId)?.get(parameter);
    const mean = means.get(target.deviceId) ?? overall;
    let prevTs = NaN;
    let prev = NaN;
    let nextTs = NaN;
    let next = NaN;
    if (series) {
      const before = lowerBound(series.ts, target.ts) - 1;
      if (before >= 0) {
        prevTs = series.ts[before] as number;
        prev = series.values[before] as number;
      }
      const after = upperBound(series.ts, target.ts);
      if (after < series.ts.length) {
        nextTs = series.ts[after] as number;
        next = series.values[after] as number;
      }
    }
    result.stationMean[row] = mean;
    result.locf[row] = prev === prev ? prev : next === next ? next : mean;
    result.linear[row] =
      prev === prev && next === next ? prev + ((next - prev) * (target.ts - prevTs)) / (nextTs - prevTs) : (result.locf[row] as number);
  });
  return result;
}
