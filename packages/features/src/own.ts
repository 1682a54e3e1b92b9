import { alignToleranceOf } from './cadence';
import { CONTEXT_MS, FEATURE_SETTINGS } from './columns';
import { lowerBound, upperBound, valueNear, windowMean, type Series } from './series';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Where the target sits in its own series: the observed values around it. */
export interface GapEnds {
  prevTs: number;
  prevValue: number;
  nextTs: number;
  nextValue: number;
  /** Position of t between prev and next (0..1); NaN unless both ends are known. */
  weight: number;
  /** Linear interpolation across the gap; the one known end when only one is. */
  interp: number;
}

/** The target's last and next observed values within the search span (FEATURE_SETTINGS.endSearchMs). */
export function gapEnds(series: Series | undefined, t: number): GapEnds {
  let prevTs = NaN;
  let prevValue = NaN;
  let nextTs = NaN;
  let nextValue = NaN;
  if (series) {
    const before = lowerBound(series.ts, t) - 1;
    if (before >= 0 && t - (series.ts[before] as number) <= FEATURE_SETTINGS.endSearchMs) {
      prevTs = series.ts[before] as number;
      prevValue = series.values[before] as number;
    }
    const after = upperBound(series.ts, t);
    if (after < series.ts.length && (series.ts[after] as number) - t <= FEATURE_SETTINGS.endSearchMs) {
      nextTs = series.ts[after] as number;
      nextValue = series.values[after] as number;
    }
  }
  const both = prevTs === prevTs && nextTs === nextTs;
  const weight = both ? (t - prevTs) / (nextTs - prevTs) : NaN;
  const interp = both ? prevValue + (nextValue - prevValue) * weight : prevTs === prevTs ? prevValue : nextValue;
  return { prevTs, prevValue, nextTs, nextValue, weight, interp };
}

/**
 * How far a series moved away from its own interpolation over the target's
 * span [prev, next] at time t: `value(t) - interp(value(prev), value(next))`.
 * With one end unknown, the change from the known end. NaN when the series
 * has no value at the times needed (within the alignment tolerance).
 */
export function changeAcrossSpan(series: Series | undefined, t: number, ends: GapEnds): number {
  if (!series) return NaN;
  const tolerance = alignToleranceOf(series.stepMs, FEATURE_SETTINGS.alignToleranceMs);
  const atT = valueNear(series, t, tolerance);
  if (atT !== atT) return NaN;
  const atPrev = ends.prevTs === ends.prevTs ? valueNear(series, ends.prevTs, tolerance) : NaN;
  const atNext = ends.nextTs === ends.nextTs ? valueNear(series, ends.nextTs, tolerance) : NaN;
  const expected = ends.weight === ends.weight ? atPrev + (atNext - atPrev) * ends.weight : atPrev === atPrev ? atPrev : atNext;
  return atT - expected;
}

/** The value two observations away from the gap on one side, and the slope it gives at the gap's end (per hour, at any cadence). */
function slopeAt(series: Series, endTs: number, side: -1 | 1): number {
  const at = side < 0 ? lowerBound(series.ts, endTs) - 1 : upperBound(series.ts, endTs);
  const endAt = side < 0 ? at + 1 : at - 1;
  if (at < 0 || at >= series.ts.length) return NaN;
  const dt = ((series.ts[endAt] as number) - (series.ts[at] as number)) * -side;
  if (dt <= 0 || dt > Math.min(FEATURE_SETTINGS.slopeSpanMs, FEATURE_SETTINGS.slopeSteps * series.stepMs)) return NaN;
  return (((series.values[endAt] as number) - (series.values[at] as number)) * -side * HOUR_MS) / dt;
}

/** Mean of a series over the context window around t (its level there). */
export function levelAround(series: Series | undefined, t: number): number {
  return windowMean(series, t - CONTEXT_MS, t + CONTEXT_MS + 1);
}

/**
 * Features of the target's own series (written into `out` from `k`, in the
 * order of OWN_COLUMNS): its gap, the values around it, the shape of the
 * series at the gap's ends, what the same hours of other days did across the
 * same span, and window means. Returns the next free position.
 */
export function writeOwnFeatures(out: Float64Array, k: number, series: Series | undefined, t: number, ends: GapEnds): number {
  const { prevTs, prevValue, nextTs, nextValue, weight, interp } = ends;
  const hasPrev = prevTs === prevTs;
  const hasNext = nextTs === nextTs;
  const { shortWindowMs, longWindowMs, dailyLags } = FEATURE_SETTINGS;
  out[k++] = prevValue;
  out[k++] = hasPrev ? (t - prevTs) / HOUR_MS : NaN;
  out[k++] = nextValue;
  out[k++] = hasNext ? (nextTs - t) / HOUR_MS : NaN;
  out[k++] = hasPrev && hasNext ? (nextTs - prevTs) / HOUR_MS : NaN;
  out[k++] = weight;
  out[k++] = interp;

  // Shape at the gap's ends: a cubic Hermite curve through the ends with the slopes just outside them.
  const slopeBefore = hasPrev && series ? slopeAt(series, prevTs, -1) : NaN;
  const slopeAfter = hasNext && series ? slopeAt(series, nextTs, 1) : NaN;
  out[k++] = slopeBefore;
  out[k++] = slopeAfter;
  let cubicDelta = NaN;
  if (weight === weight && slopeBefore === slopeBefore && slopeAfter === slopeAfter) {
    const span = (nextTs - prevTs) / HOUR_MS;
    const w = weight;
    const h10 = w * w * w - 2 * w * w + w;
    const h11 = w * w * w - w * w;
    // The linear part of the Hermite basis is the interpolation; what is left is the curvature's contribution.
    cubicDelta = span * (h10 * slopeBefore + h11 * slopeAfter) + (w * w * (3 - 2 * w) - w) * (nextValue - prevValue);
  }
  out[k++] = cubicDelta;

  // Temporal neighbours: the same span on other days (same hours), how far it strayed from its interpolation.
  let dailySum = 0;
  let dailyCount = 0;
  for (const lag of dailyLags) {
    const shift = lag * DAY_MS;
    const shifted: GapEnds = { ...ends, prevTs: prevTs + shift, nextTs: nextTs + shift };
    const change = changeAcrossSpan(series, t + shift, shifted);
    if (change === change) {
      dailySum += change;
      dailyCount += 1;
    }
  }
  out[k++] = dailyCount > 0 ? dailySum / dailyCount : NaN;
  out[k++] = dailyCount;

  out[k++] = windowMean(series, t - shortWindowMs, t);
  out[k++] = windowMean(series, t + 1, t + shortWindowMs + 1);
  out[k++] = windowMean(series, t - longWindowMs, t);
  out[k++] = windowMean(series, t + 1, t + longWindowMs + 1);
  out[k++] = levelAround(series, t);
  return k;
}
