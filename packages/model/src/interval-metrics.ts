/** How good a set of prediction intervals is on held-out truth. */
export interface IntervalMetrics {
  count: number;
  /** Share of truths inside [lower, upper]. */
  coverage: number;
  meanWidth: number;
  /**
   * Mean interval score (Gneiting & Raftery 2007) at the nominal level: the
   * width plus 2/alpha times how far each truth falls outside. Lower is better;
   * it rewards narrow intervals only while they stay honest.
   */
  intervalScore: number;
}

/** Coverage, width and interval score of intervals at nominal `level` (e.g. 0.9). */
export function computeIntervalMetrics(truth: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, level: number): IntervalMetrics {
  const count = truth.length;
  if (lower.length !== count || upper.length !== count) throw new RangeError(`${lower.length}/${upper.length} intervals for ${count} truths`);
  const penalty = 2 / (1 - level);
  let inside = 0;
  let width = 0;
  let score = 0;
  for (let i = 0; i < count; i += 1) {
    const y = truth[i] as number;
    const l = lower[i] as number;
    const u = upper[i] as number;
    if (y >= l && y <= u) inside += 1;
    width += u - l;
    score += u - l + (y < l ? penalty * (l - y) : 0) + (y > u ? penalty * (y - u) : 0);
  }
  return { count, coverage: count > 0 ? inside / count : NaN, meanWidth: width / count, intervalScore: score / count };
}
