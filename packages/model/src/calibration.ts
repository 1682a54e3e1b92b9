import { z } from 'zod';
import type { FeatureMatrix } from '@airfill/features';
import { GAP_STRATA, NEIGHBOUR_STRATA, gapStratumOf, type GapStratum, type NeighbourStratum } from './strata';

/**
 * Conformal prediction intervals (split conformal, Mondrian by what drives
 * the error). On values the model never trained on, the signed residuals
 * `truth - prediction` are collected per bin (gap length x neighbours
 * observed x level band of the prediction); a new prediction gets its bin's
 * empirical quantiles at (1 - level) / 2 and (1 + level) / 2, with the
 * finite-sample correction that makes the coverage at least `level` when the
 * new value is exchangeable with the calibration values. A bin with too few
 * values borrows from the coarser bin that contains it (gap x neighbours,
 * then gap, then all). Residuals are not rescaled within a bin: on the
 * Beijing year, dividing them by the prediction's level gave narrower
 * intervals in clean air but lower coverage in the next season (0.89 against
 * 0.905 at a nominal 0.90); the level bands carry most of that information.
 */

/** What a calibration bin is keyed by, known for every prediction at serving time. */
export interface CalibrationKey {
  /** Length of the gap the value sits in, in steps (Infinity when open-ended). */
  gapSteps: number;
  /** Other sensors observed at the value's time. */
  neighboursObserved: number;
}

const binSchema = z.object({
  gap: z.enum(GAP_STRATA).nullable(),
  neighbours: z.enum(NEIGHBOUR_STRATA).nullable(),
  /** Index of the prediction-level band, null for bins over all levels. */
  band: z.number().int().nonnegative().nullable(),
  count: z.number().int().nonnegative(),
  /** Quantiles of the signed residual truth - prediction. */
  low: z.number(),
  high: z.number(),
});

/** zod schema of `calibration.json`, which travels with the model. */
export const calibrationTableSchema = z.object({
  version: z.literal('airfill-calibration-1'),
  /** Nominal coverage of the interval, e.g. 0.9. */
  level: z.number().gt(0).lt(1),
  /** Time step of the series the gap lengths are counted in (ms). */
  stepMs: z.number().positive(),
  /** Upper edges of the prediction-level bands (ascending); the last band is open. */
  bandEdges: z.array(z.number()),
  minCount: z.number().int().positive(),
  /** The physical floor of the parameter, if any: an interval never goes below it. */
  floor: z.number().nullable(),
  /** How many calibration values it was fitted on. */
  count: z.number().int().nonnegative(),
  bins: z.array(binSchema).min(1),
});

/** A fitted calibration (what `calibration.json` holds). */
export type CalibrationTable = z.infer<typeof calibrationTableSchema>;
type Bin = z.infer<typeof binSchema>;

/** One calibration value: its key, the prediction and the truth. */
export interface CalibrationPoint extends CalibrationKey {
  predicted: number;
  truth: number;
}

/** How a calibration is fitted. */
export interface CalibrationOptions {
  /** @default 0.9 */
  level?: number;
  stepMs: number;
  /** Bins with fewer values borrow from a coarser one. @default 150 */
  minCount?: number;
  /** Prediction-level bands. @default 4 */
  bands?: number;
  floor?: number | null;
}

const neighbourStratumOf = (observed: number): NeighbourStratum => (observed > 0 ? 'some' : 'none');

function quantile(sorted: Float64Array, q: number): number {
  // Finite-sample conformal rank: the ceil((n + 1) q)-th smallest (1-based), clamped to the sample.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((sorted.length + 1) * q)));
  return sorted[rank - 1] as number;
}

function quantileOf(values: readonly number[], q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
}

/** Fits the interval calibration on values the model did not train on; bands split predictions by level (quantiles). */
export function fitCalibration(points: readonly CalibrationPoint[], options: CalibrationOptions): CalibrationTable {
  const level = options.level ?? 0.9;
  const minCount = options.minCount ?? 150;
  const bandCount = options.bands ?? 4;
  const bandEdges = Array.from({ length: bandCount - 1 }, (_, i) => quantileOf(points.map((point) => point.predicted), (i + 1) / bandCount));
  const scored = points.map((point) => ({
    gap: gapStratumOf(point.gapSteps, options.stepMs),
    neighbours: neighbourStratumOf(point.neighboursObserved),
    band: bandOf(bandEdges, point.predicted),
    score: point.truth - point.predicted,
  }));
  const alpha = 1 - level;
  const bins: Bin[] = [];
  const addBin = (gap: GapStratum | null, neighbours: NeighbourStratum | null, band: number | null) => {
    const scores = scored
      .filter((s) => (gap === null || s.gap === gap) && (neighbours === null || s.neighbours === neighbours) && (band === null || s.band === band))
      .map((s) => s.score);
    if (scores.length < (gap === null ? 1 : minCount)) return;
    const sorted = Float64Array.from(scores).sort();
    // Lower bound from the alpha/2 quantile taken from the top of the negated scores (symmetric finite-sample rank).
    const low = -quantile(Float64Array.from(scores, (s) => -s).sort(), 1 - alpha / 2);
    bins.push({ gap, neighbours, band, count: scores.length, low, high: quantile(sorted, 1 - alpha / 2) });
  };
  addBin(null, null, null);
  for (const gap of GAP_STRATA) {
    addBin(gap, null, null);
    for (const neighbours of NEIGHBOUR_STRATA) {
      addBin(gap, neighbours, null);
      for (let band = 0; band < bandCount; band += 1) addBin(gap, neighbours, band);
    }
  }
  return {
    version: 'airfill-calibration-1',
    level,
    stepMs: options.stepMs,
    bandEdges,
    minCount,
    floor: options.floor ?? null,
    count: points.length,
    bins,
  };
}

function bandOf(edges: readonly number[], predicted: number): number {
  let band = 0;
  while (band < edges.length && predicted > (edges[band] as number)) band += 1;
  return band;
}

/** The most specific bin with enough values for a key. */
function binFor(table: CalibrationTable, gap: GapStratum, neighbours: NeighbourStratum, band: number): Bin {
  const find = (g: GapStratum | null, n: NeighbourStratum | null, b: number | null) =>
    table.bins.find((bin) => bin.gap === g && bin.neighbours === n && bin.band === b);
  return (find(gap, neighbours, band) ?? find(gap, neighbours, null) ?? find(gap, null, null) ?? find(null, null, null)) as Bin;
}

/** An interval around one prediction. */
export interface Interval {
  lower: number;
  upper: number;
}

/**
 * The widest errors a calibration table allows, over all its bins: how far
 * below the truth (`under`) and above it (`over`) the model's predictions
 * fall at the interval's level in its worst stratum. A prediction past a
 * physical bound by less than this is the model's known error near the
 * bound, not a broken model (the callback's range check).
 */
export function widestErrors(table: CalibrationTable): { under: number; over: number } {
  let under = 0;
  let over = 0;
  for (const bin of table.bins) {
    under = Math.max(under, bin.high);
    over = Math.max(over, -bin.low);
  }
  return { under, over };
}

/** The calibrated interval of a prediction with its key. */
export function intervalFor(table: CalibrationTable, key: CalibrationKey, predicted: number): Interval {
  const bin = binFor(table, gapStratumOf(key.gapSteps, table.stepMs), neighbourStratumOf(key.neighboursObserved), bandOf(table.bandEdges, predicted));
  let lower = predicted + bin.low;
  let upper = predicted + bin.high;
  if (table.floor !== null) {
    lower = Math.max(table.floor, lower);
    upper = Math.max(table.floor, upper);
  }
  // The interval always holds its own prediction.
  return { lower: Math.min(lower, predicted), upper: Math.max(upper, predicted) };
}

const HOUR_MS = 3_600_000;

/**
 * The calibration key of every row of a feature matrix, from its own columns
 * (`own_gap_h`, `net_observed_share`), so the cloud path (which keeps only a
 * few numbers per row) and the local one key a value the same way.
 */
export function calibrationKeysOf(matrix: FeatureMatrix, stepMs: number): CalibrationKey[] {
  const gapAt = matrix.contract.columns.indexOf('own_gap_h');
  const shareAt = matrix.contract.columns.indexOf('net_observed_share');
  const keys: CalibrationKey[] = [];
  for (let row = 0; row < matrix.rows; row += 1) {
    const gapHours = gapAt >= 0 ? (matrix.values[row * matrix.columns + gapAt] as number) : NaN;
    const share = shareAt >= 0 ? (matrix.values[row * matrix.columns + shareAt] as number) : NaN;
    keys.push({
      gapSteps: Number.isFinite(gapHours) ? Math.max(1, Math.round((gapHours * HOUR_MS) / stepMs) - 1) : Infinity,
      neighboursObserved: share > 0 ? 1 : 0,
    });
  }
  return keys;
}
