import { alignToleranceOf } from './cadence';
import { FEATURE_SETTINGS } from './columns';
import type { Neighbour } from './geo';
import type { GapEnds } from './own';
import { valueNear, windowMean, type Series } from './series';

/** What the neighbours say about the target, besides the columns written. */
export interface NeighbourSummary {
  /** IDW mean of the neighbours' change across the target's span (NaN when none is known). */
  change: number;
  /** IDW mean of the neighbours' values at t. */
  idwValue: number;
  /** Cross-station ratio estimate of the target at t. */
  ratioEstimate: number;
}

/** The neighbours' series of the parameter, nearest first, with their weights. */
export type NeighbourSeries = readonly { neighbour: Neighbour; series: Series }[];

/**
 * Features from the nearest sensors (written into `out` from `k` in the order
 * of NEIGHBOUR_COLUMNS): their values at t (IDW), how many are observed, the
 * nearest one, the change they saw across the target's own gap, the ratio
 * between the target and them at the gap's ends, and their recent mean.
 */
export function writeNeighbourFeatures(out: Float64Array, k: number, neighbours: NeighbourSeries, t: number, ends: GapEnds): { next: number; summary: NeighbourSummary } {
  const { alignToleranceMs, shortWindowMs } = FEATURE_SETTINGS;
  const { prevTs, nextTs, prevValue, nextValue, weight, interp } = ends;
  const hasPrev = prevTs === prevTs;
  const hasNext = nextTs === nextTs;
  let idwSum = 0;
  let idwWeight = 0;
  let count = 0;
  let nearestValue = NaN;
  let nearestKm = NaN;
  let changeSum = 0;
  let changeWeight = 0;
  let sincePrevSum = 0;
  let sincePrevWeight = 0;
  let toNextSum = 0;
  let toNextWeight = 0;
  let prevNbSum = 0;
  let prevNbWeight = 0;
  let nextNbSum = 0;
  let nextNbWeight = 0;
  let meanSum = 0;
  let meanWeight = 0;
  for (const { neighbour, series } of neighbours) {
    const w = neighbour.weight;
    // "At t" on the neighbour's own cadence: within half its step.
    const tolerance = alignToleranceOf(series.stepMs, alignToleranceMs);
    const recent = windowMean(series, t - shortWindowMs, t + 1);
    if (recent === recent) {
      meanSum += w * recent;
      meanWeight += w;
    }
    const atT = valueNear(series, t, tolerance);
    const atPrev = hasPrev ? valueNear(series, prevTs, tolerance) : NaN;
    const atNext = hasNext ? valueNear(series, nextTs, tolerance) : NaN;
    if (atPrev === atPrev) {
      prevNbSum += w * atPrev;
      prevNbWeight += w;
    }
    if (atNext === atNext) {
      nextNbSum += w * atNext;
      nextNbWeight += w;
    }
    if (atT !== atT) continue;
    count += 1;
    idwSum += w * atT;
    idwWeight += w;
    if (nearestKm !== nearestKm) {
      nearestValue = atT;
      nearestKm = neighbour.km;
    }
    if (atPrev === atPrev) {
      sincePrevSum += w * (atT - atPrev);
      sincePrevWeight += w;
    }
    if (atNext === atNext) {
      toNextSum += w * (atNext - atT);
      toNextWeight += w;
    }
    // Deviation from the neighbour's own interpolation over the same span as ours.
    const expected = weight === weight ? atPrev + (atNext - atPrev) * weight : hasPrev ? atPrev : atNext;
    if (expected === expected) {
      changeSum += w * (atT - expected);
      changeWeight += w;
    }
  }
  const idwValue = idwWeight > 0 ? idwSum / idwWeight : NaN;
  const change = changeWeight > 0 ? changeSum / changeWeight : NaN;
  // Cross-station ratio at the gap's ends, smoothed by +1 so clean air does not divide by zero.
  // A ratio means something only between positive amounts: a parameter that crosses zero (a
  // temperature) gets none where a smoothed value is not positive, rather than an infinite one.
  let ratioSum = 0;
  let ratioCount = 0;
  if (hasPrev && prevNbWeight > 0 && prevValue + 1 > 0 && prevNbSum / prevNbWeight + 1 > 0) {
    ratioSum += (prevValue + 1) / (prevNbSum / prevNbWeight + 1);
    ratioCount += 1;
  }
  if (hasNext && nextNbWeight > 0 && nextValue + 1 > 0 && nextNbSum / nextNbWeight + 1 > 0) {
    ratioSum += (nextValue + 1) / (nextNbSum / nextNbWeight + 1);
    ratioCount += 1;
  }
  const ratioEstimate = ratioCount > 0 && idwValue + 1 > 0 ? (idwValue + 1) * (ratioSum / ratioCount) - 1 : NaN;
  out[k++] = idwValue;
  out[k++] = count;
  out[k++] = nearestValue;
  out[k++] = nearestKm;
  out[k++] = change;
  out[k++] = sincePrevWeight > 0 ? sincePrevSum / sincePrevWeight : NaN;
  out[k++] = toNextWeight > 0 ? toNextSum / toNextWeight : NaN;
  out[k++] = ratioEstimate;
  out[k++] = ratioEstimate - interp;
  out[k++] = idwValue - interp;
  out[k++] = meanWeight > 0 ? meanSum / meanWeight : NaN;
  return { next: k, summary: { change, idwValue, ratioEstimate } };
}
