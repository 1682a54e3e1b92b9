import { valueNear, type Series } from '@airfill/features';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Median of the first `count` entries of `values` (reorders them); NaN when empty. Linear time (quickselect). */
export function medianInPlace(values: Float64Array, count = values.length): number {
  if (count === 0) return NaN;
  const middle = count >> 1;
  const upper = select(values, count, middle);
  if (count % 2 === 1) return upper;
  // select() left the entries before `middle` no larger than it: the lower median is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < middle; i += 1) lower = Math.max(lower, values[i] as number);
  return (lower + upper) / 2;
}

/** The k-th smallest (0-based) of the first `count` entries of `values` (reorders them); NaN when empty. */
export function kthSmallestInPlace(values: Float64Array, count: number, k: number): number {
  if (count === 0) return NaN;
  return select(values, count, Math.min(count - 1, Math.max(0, k)));
}

/** Reorders the first `count` entries so that entry k is the k-th smallest, those before no larger, those after no smaller; returns it. */
function select(values: Float64Array, count: number, k: number): number {
  let left = 0;
  let right = count - 1;
  while (right > left) {
    const pivot = values[(left + right) >> 1] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((values[i] as number) < pivot) i += 1;
      while ((values[j] as number) > pivot) j -= 1;
      if (i <= j) {
        const swap = values[i] as number;
        values[i] = values[j] as number;
        values[j] = swap;
        i += 1;
        j -= 1;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k] as number;
}

/** Median of a list of numbers (not changed); NaN when empty. */
export function median(values: ArrayLike<number>): number {
  return medianInPlace(Float64Array.from(values));
}

/** The usual time between a series' readings: the median step; NaN with fewer than two readings. */
export function cadenceOf(ts: Float64Array): number {
  if (ts.length < 2) return NaN;
  const steps = new Float64Array(ts.length - 1);
  for (let i = 1; i < ts.length; i += 1) steps[i - 1] = (ts[i] as number) - (ts[i - 1] as number);
  return medianInPlace(steps);
}

/**
 * The smallest step between distinct values (1 for integer data, 0.1 for
 * one decimal); Infinity when all values are equal. Differences below a
 * millionth of the values' magnitude are float noise, not steps.
 */
export function resolutionOf(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  let magnitude = 0;
  for (const value of sorted) magnitude = Math.max(magnitude, Math.abs(value));
  const noise = 1e-6 * Math.max(magnitude, 1e-9);
  let smallest = Infinity;
  for (let i = 1; i < sorted.length; i += 1) {
    const step = (sorted[i] as number) - (sorted[i - 1] as number);
    if (step > noise && step < smallest) smallest = step;
  }
  return smallest;
}

/** Whether two readings carry the same value (exactly, up to float noise). */
export function sameValue(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * The neighbours' consensus at `t`: the median of each neighbour's reading
 * nearest to t within `tolerance`, and how many neighbours had one. A median,
 * not a weighted mean, so one broken neighbour cannot move it.
 */
export function consensusAt(neighbours: readonly Series[], t: number, tolerance: number, scratch: Float64Array): { value: number; count: number } {
  let count = 0;
  for (const neighbour of neighbours) {
    const value = valueNear(neighbour, t, tolerance);
    if (!Number.isNaN(value)) scratch[count++] = value;
  }
  return { value: medianInPlace(scratch, count), count };
}

/** An instant as `2015-06-01T04:00Z` (minutes kept only when not zero), for flag details. */
export function formatInstant(ts: number): string {
  const iso = new Date(ts).toISOString();
  return iso.endsWith(':00:00.000Z') ? `${iso.slice(0, 13)}:00Z` : `${iso.slice(0, 16)}Z`;
}

/** A number for people: at most 3 significant decimals, no trailing zeros. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number(value.toPrecision(Math.abs(value) >= 1000 ? 6 : 4)).toString();
}
