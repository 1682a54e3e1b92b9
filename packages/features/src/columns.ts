import type { FeatureContract } from './contract';

/** Version of the feature definitions below; a model records it and is only scored with it. */
export const FEATURE_VERSION = 'airfill-features-3';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Fixed settings of this feature version (changing one means a new FEATURE_VERSION). */
export const FEATURE_SETTINGS = {
  /** Neighbours used for IDW (the probe found ~8 best). */
  neighbours: 8,
  /**
   * A series' reading counts as "at t" within half its step, at most this
   * (`alignToleranceOf`): a reading every 2 min stands for t within 1 min, an
   * hourly or slower one within 30 min, as before cadences were detected.
   */
  alignToleranceMs: 30 * 60_000,
  /** Own last/next observations are looked for this far from t. */
  endSearchMs: 72 * HOUR_MS,
  /**
   * The observation before the last (after the next) gives the slope at a
   * gap's end when it is within `slopeSteps` steps of the series, at most
   * this: a slope across another gap says little about the gap's end.
   */
  slopeSpanMs: 3 * HOUR_MS,
  slopeSteps: 3,
  /** Physical time from here on (the same at any cadence): other days whose same hours serve as temporal neighbours (days before and after). */
  dailyLags: [-3, -2, -1, 1, 2, 3] as readonly number[],
  shortWindowMs: 6 * HOUR_MS,
  longWindowMs: 24 * HOUR_MS,
} as const;

/**
 * How far from a target any feature looks: the gap's ends, shifted by the
 * furthest daily lag, plus the tolerance. Means over "the sensor's level" use
 * this window too, never a whole series: a caller fetches exactly this much
 * context, so a feature that read further would differ between training (a
 * whole data set) and serving (a fetched window).
 */
export const CONTEXT_MS = FEATURE_SETTINGS.endSearchMs + 3 * DAY_MS + FEATURE_SETTINGS.alignToleranceMs;

/** The residual target's baseline: the spatially corrected interpolation, with fallbacks so it is always finite. */
export const BASELINE_COLUMN = 'baseline';

/** Time of day (local solar time). */
export const TIME_COLUMNS = ['hour_sin', 'hour_cos'] as const;

/** The target's own series, in the order `writeOwnFeatures` writes them. */
export const OWN_COLUMNS = [
  'own_prev_value',
  'own_prev_gap_h',
  'own_next_value',
  'own_next_gap_h',
  'own_gap_h',
  'own_gap_position',
  'own_interp',
  'own_slope_before',
  'own_slope_after',
  'own_cubic_delta',
  'own_daily_change',
  'own_daily_count',
  'own_mean_before_6h',
  'own_mean_after_6h',
  'own_mean_before_24h',
  'own_mean_after_24h',
  'own_mean',
] as const;

/** The nearest sensors, in the order `writeNeighbourFeatures` writes them. */
export const NEIGHBOUR_COLUMNS = [
  'nb_idw_value',
  'nb_count',
  'nb_nearest_value',
  'nb_nearest_km',
  'nb_change_idw',
  'nb_change_since_prev',
  'nb_change_to_next',
  'nb_ratio_estimate',
  'nb_ratio_delta',
  'nb_idw_delta',
  'nb_idw_mean_6h',
] as const;

/**
 * Columns every contract of this version has, in canonical order (other
 * parameters follow). No season or weekday: with a year of data and a
 * time-based holdout, day-of-year let the trees learn month-specific
 * corrections that did not carry over to unseen months (Beijing, holdout MAE
 * 15.2 with them, 12.9 without, at 19.7 for linear interpolation).
 */
export const BASE_COLUMNS = [...TIME_COLUMNS, ...OWN_COLUMNS, ...NEIGHBOUR_COLUMNS, 'net_observed_share', BASELINE_COLUMN] as const;

/** Column name for another parameter of the same sensor at t. */
export function otherParameterColumn(parameter: string): string {
  return `other[${parameter}]`;
}

/**
 * Column name for how far another parameter of the same sensor moved away
 * from its own interpolation across the target's gap (PM 10 rising while
 * PM 2.5 is missing says PM 2.5 rose too).
 */
export function otherChangeColumn(parameter: string): string {
  return `other_change[${parameter}]`;
}

/** The other parameters a contract's columns refer to. */
export function otherParametersOf(contract: Pick<FeatureContract, 'columns'>): string[] {
  const names = contract.columns.flatMap((column) => {
    const match = /^other(?:_change)?\[(.*)\]$/.exec(column);
    return match ? [match[1] as string] : [];
  });
  return [...new Set(names)].sort();
}

/**
 * The feature contract for predicting `parameter`, using `otherParameters` of
 * the same sensor as features. Residual target on the corrected interpolation
 * (DESIGN section 5).
 */
export function makeFeatureContract(parameter: string, otherParameters: readonly string[]): FeatureContract {
  const others = [...new Set(otherParameters)].filter((other) => other !== parameter).sort();
  return {
    version: FEATURE_VERSION,
    parameter,
    columns: [...BASE_COLUMNS, ...others.map(otherParameterColumn), ...others.map(otherChangeColumn)],
    target: { kind: 'residual', baselineColumn: BASELINE_COLUMN },
    contextBeforeMs: CONTEXT_MS,
    contextAfterMs: CONTEXT_MS,
  };
}
