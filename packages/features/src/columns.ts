import type { FeatureContract } from './contract';

/** Version of the feature definitions below; a model records it and is only scored with it. */
export const FEATURE_VERSION = 'airfill-features-2';

const HOUR_MS = 3_600_000;

/** Fixed settings of this feature version (changing one means a new FEATURE_VERSION). */
export const FEATURE_SETTINGS = {
  /** Neighbours used for IDW (the probe found ~8 best). */
  neighbours: 8,
  /** Readings of other sensors/parameters count as "at t" within this distance. */
  alignToleranceMs: 30 * 60_000,
  /** Own last/next observations are looked for this far (also the context callers fetch). */
  contextMs: 72 * HOUR_MS,
  shortWindowMs: 6 * HOUR_MS,
  longWindowMs: 24 * HOUR_MS,
} as const;

/** The residual target's baseline: the spatially corrected interpolation, with fallbacks so it is always finite. */
export const BASELINE_COLUMN = 'baseline';

/**
 * Columns every contract of this version has, in canonical order (other
 * parameters follow). No season or weekday: with a year of data and a
 * time-based holdout, day-of-year let the trees learn month-specific
 * corrections that did not carry over to unseen months (Beijing, holdout MAE
 * 15.2 with them, 12.9 without, at 19.7 for linear interpolation).
 */
export const BASE_COLUMNS = [
  'hour_sin',
  'hour_cos',
  'own_prev_value',
  'own_prev_gap_h',
  'own_next_value',
  'own_next_gap_h',
  'own_gap_h',
  'own_interp',
  'own_mean_before_6h',
  'own_mean_after_6h',
  'own_mean_before_24h',
  'own_mean_after_24h',
  'own_mean',
  'nb_idw_value',
  'nb_count',
  'nb_nearest_value',
  'nb_nearest_km',
  'nb_change_idw',
  'nb_change_since_prev',
  'nb_change_to_next',
  'nb_ratio_estimate',
  'nb_idw_mean_6h',
  BASELINE_COLUMN,
] as const;

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
export function otherParametersOf(contract: FeatureContract): string[] {
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
    contextBeforeMs: FEATURE_SETTINGS.contextMs,
    contextAfterMs: FEATURE_SETTINGS.contextMs,
  };
}
