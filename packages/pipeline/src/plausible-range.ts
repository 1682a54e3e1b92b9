import { DEFAULT_RANGES, parameterKey, plausibilityConfigSchema, type PlausibilityConfigInput } from '@airfill/schema';

/** The range a final value must fall in; outside it the model's output is treated as broken. */
export interface PlausibleRange {
  min: number;
  max: number;
  /** Values between `min` and this are stored as this (a concentration is never negative). @default no floor */
  floor?: number;
  /** Values between this and `max` are stored as this (relative humidity is never above 100 %). @default no ceiling */
  ceiling?: number;
}

/**
 * How far past a physical bound, as a share of the range's span, a
 * prediction may fall and still be stored as the bound: a residual model
 * undershoots near zero (clean air) and overshoots near a ceiling by a
 * little. 1.25 % is 25 µg/m³ for PM 2.5 (0 to 2,000), 2 °C for temperature.
 */
export const BOUND_TOLERANCE = 0.0125;

/** Any finite value of a parameter without a physical range, within a sanity bound. */
const UNBOUNDED: PlausibleRange = { min: -1e6, max: 1e6 };

/**
 * The plausible range of a parameter's predictions: its physical range (the
 * same one the loader checks readings against: `DEFAULT_RANGES`, or the
 * configured `ranges` of a `--plausibility` file, matched as the loader
 * matches them), widened by {@link BOUND_TOLERANCE} on each side, where
 * values are stored as the bound. A parameter with no range gets any finite
 * value within ±1e6.
 */
export function plausibleRangeFor(parameter: string, config: PlausibilityConfigInput = {}): PlausibleRange {
  const { ranges } = plausibilityConfigSchema.parse(config);
  const key = parameterKey(parameter);
  const configured = Object.entries(ranges).find(([name]) => parameterKey(name) === key)?.[1];
  const bounds = configured ?? DEFAULT_RANGES[key];
  if (!bounds) return UNBOUNDED;
  const tolerance = BOUND_TOLERANCE * (bounds.max - bounds.min);
  return { min: bounds.min - tolerance, max: bounds.max + tolerance, floor: bounds.min, ceiling: bounds.max };
}
