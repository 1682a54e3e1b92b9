/**
 * The contract between feature engineering and everything that uses it
 * (training, the local transform, the start-transform Lambda, the callback).
 * Times are epoch milliseconds; NaN means "unknown" everywhere.
 */

/** One reading of any parameter at any sensor; `value` null when missing. */
export interface Observation {
  deviceId: string;
  parameter: string;
  ts: number;
  value: number | null;
}

/**
 * The observed values of one parameter at one sensor (any order; the two
 * arrays pair up): the compact form a window travels in (one record per
 * series instead of one per reading).
 */
export interface ObservedSeries {
  deviceId: string;
  parameter: string;
  ts: readonly number[];
  values: readonly number[];
}

/** A window's readings as features take them: one record per reading, or one per series. */
export type FeatureInput = { sites: SensorSite[]; observations: readonly Observation[] } | { sites: SensorSite[]; series: readonly ObservedSeries[] };

/** Where a sensor stands. */
export interface SensorSite {
  deviceId: string;
  latitude: number;
  longitude: number;
}

/** A reading to predict. */
export interface FeatureTarget {
  deviceId: string;
  ts: number;
}

/**
 * Column order and meaning of the feature matrix, stored with the model. A
 * model is only ever scored with the contract it was trained with.
 * `residual`: the model predicts `truth - row[baselineColumn]`, so the final
 * prediction adds the baseline back (see `toPrediction`).
 */
export interface FeatureContract {
  version: string;
  parameter: string;
  columns: readonly string[];
  target: { kind: 'raw' } | { kind: 'residual'; baselineColumn: string };
  /** How far before/after a target the features look (ms); callers fetch this much context. */
  contextBeforeMs: number;
  contextAfterMs: number;
  /**
   * The cadence (ms) of the data the model was trained on, recorded at
   * training; data far from it is refused (`assertCadenceFits`). Absent in
   * contracts from before cadences were recorded: those models were trained
   * on hourly data.
   */
  stepMs?: number;
}

/** Features for a list of targets: row-major, `rows x columns`, NaN for unknown. */
export interface FeatureMatrix {
  contract: FeatureContract;
  rows: number;
  columns: number;
  values: Float64Array;
}
