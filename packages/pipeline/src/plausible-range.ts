/** The range a final value must fall in; outside it the model's output is treated as broken. */
export interface PlausibleRange {
  min: number;
  max: number;
  /** Values between `min` and this are stored as this (a concentration is never negative). @default no floor */
  floor?: number;
}

/**
 * Plausible ranges by parameter (names as in the input data). Concentrations
 * are never negative, but a residual model can undershoot near zero by a
 * little: small undershoots are stored as 0, large ones fail the check.
 */
const RANGES: Record<string, PlausibleRange> = {
  'pm 2.5': { min: -25, max: 2000, floor: 0 },
  'pm 1': { min: -25, max: 2000, floor: 0 },
  'pm 10': { min: -25, max: 5000, floor: 0 },
  'pm2.5': { min: -25, max: 2000, floor: 0 },
  pm10: { min: -25, max: 5000, floor: 0 },
  temperature: { min: -90, max: 70 },
  humidity: { min: -5, max: 105, floor: 0 },
};

/** Any finite value of an unknown parameter, within a sanity bound. */
const DEFAULT_RANGE: PlausibleRange = { min: -1e6, max: 1e6 };

/** The plausible range of a parameter (case and surrounding space ignored). */
export function plausibleRangeFor(parameter: string): PlausibleRange {
  return RANGES[parameter.trim().toLowerCase()] ?? DEFAULT_RANGE;
}
