/** The checks, by the name a flag carries (the loader's own range check uses `range` too). */
export const QUALITY_CHECKS = ['range', 'fault_constant', 'stuck', 'spike', 'drift'] as const;
export type QualityCheck = (typeof QUALITY_CHECKS)[number];

/**
 * `invalid`: not a measurement of the air; treated as missing (never a
 * feature or a training target) and filled like a gap. `suspect`: kept and
 * used, shown with the flag.
 */
export type FlagSeverity = 'invalid' | 'suspect';

/**
 * Why one reading is not trusted. Keyed like a row of the `flags` table:
 * (device, parameter, ts) and the check; at most one flag per reading and
 * check. `ts` is epoch milliseconds.
 */
export interface QualityFlag {
  deviceId: string;
  parameter: string;
  ts: number;
  check: QualityCheck;
  severity: FlagSeverity;
  /** For people: what was seen, with the numbers. */
  detail: string;
}

/** A flag a check raises on one reading of the series it was given (by index). */
export interface SeriesFlag {
  index: number;
  severity: FlagSeverity;
  detail: string;
}
