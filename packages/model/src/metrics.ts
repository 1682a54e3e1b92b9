/** Accuracy of predictions against held-out truth. */
export interface Metrics {
  count: number;
  mae: number;
  rmse: number;
  /** Mean relative error: Σ|error| / Σ|truth| (a per-point ratio explodes near clean air). */
  mre: number;
  r2: number;
}

/** MAE, RMSE, MRE and R² of `predicted` against `truth`. */
export function computeMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>): Metrics {
  const count = truth.length;
  if (predicted.length !== count) throw new RangeError(`${predicted.length} predictions for ${count} truths`);
  let absolute = 0;
  let squared = 0;
  let truthAbsolute = 0;
  let truthSum = 0;
  for (let i = 0; i < count; i += 1) {
    const error = (predicted[i] as number) - (truth[i] as number);
    absolute += Math.abs(error);
    squared += error * error;
    truthAbsolute += Math.abs(truth[i] as number);
    truthSum += truth[i] as number;
  }
  const mean = truthSum / count;
  let total = 0;
  for (let i = 0; i < count; i += 1) total += ((truth[i] as number) - mean) ** 2;
  return {
    count,
    mae: absolute / count,
    rmse: Math.sqrt(squared / count),
    mre: absolute / truthAbsolute,
    r2: 1 - squared / total,
  };
}
