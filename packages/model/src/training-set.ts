import { buildFeatureMatrixFromContext, prepareFeatureContext, type FeatureContract, type Observation, type SensorSite } from '@airfill/features';
import type { Dataset } from './dataset';
import { DataError } from './errors';
import { applyMask } from './holdout';
import { drawMask, type MaskPlan } from './mask-plan';

/** How training rows are made. */
export interface TrainingSetOptions {
  /** Only observations before this instant are used (the holdout starts here). */
  before: number;
  /** Observations in [from, to) are left out too (the fold a cross-fitted model is scored on). */
  exclude?: { from: number; to: number };
  /** Most independent outage masks; more copies help (DESIGN section 5). @default 24 */
  copies?: number;
  /**
   * Stop adding masks once this many rows are made (but not before
   * `minCopies`): gains flatten out past ~250,000 rows while training time
   * keeps growing, so a large network needs fewer copies. @default Infinity
   */
  targetRows?: number;
  /** @default 6 */
  minCopies?: number;
  /** Share of observed values each copy hides. @default 0.15 */
  share?: number;
  /** @default 1 */
  seed?: number;
  plan: MaskPlan;
}

/** Feature rows and labels (truth minus baseline for residual contracts). */
export interface TrainingSet {
  values: Float64Array;
  labels: Float64Array;
  rows: number;
  columns: number;
  /** Masks the rows came from. */
  copies: number;
}

/** The observations a training set may use. */
export function trainingObservations(dataset: Dataset, options: Pick<TrainingSetOptions, 'before' | 'exclude'>): Observation[] {
  const { exclude } = options;
  return dataset.observations.filter((observation) => observation.ts < options.before && (!exclude || observation.ts < exclude.from || observation.ts >= exclude.to));
}

/** Feature rows of one masked copy whose label (truth minus baseline) is known. */
function maskedRows(sites: SensorSite[], observations: readonly Observation[], masked: Uint8Array, contract: FeatureContract) {
  const draw = applyMask(observations, masked, contract.parameter);
  const matrix = buildFeatureMatrixFromContext(prepareFeatureContext({ sites, observations: draw.context }, contract.parameter), draw.targets, contract);
  const baselineAt = contract.target.kind === 'residual' ? contract.columns.indexOf(contract.target.baselineColumn) : -1;
  const labels = new Float64Array(matrix.rows);
  const values = new Float64Array(matrix.values.length);
  let kept = 0;
  for (let row = 0; row < matrix.rows; row += 1) {
    const baseline = baselineAt >= 0 ? (matrix.values[row * matrix.columns + baselineAt] as number) : 0;
    if (!Number.isFinite(baseline)) continue;
    labels[kept] = (draw.truth[row] as number) - baseline;
    values.set(matrix.values.subarray(row * matrix.columns, (row + 1) * matrix.columns), kept * matrix.columns);
    kept += 1;
  }
  return { values: values.subarray(0, kept * matrix.columns), labels: labels.subarray(0, kept), rows: kept };
}

/**
 * Builds training rows by hiding observed values in realistic outage shapes
 * (several independent copies, see `planMasks`) and asking the features to
 * predict them from what is left, exactly as at inference.
 */
export function buildTrainingSet(dataset: Dataset, contract: FeatureContract, options: TrainingSetOptions): TrainingSet {
  const copies = options.copies ?? 24;
  const share = options.share ?? 0.15;
  const seed = options.seed ?? 1;
  const observations = trainingObservations(dataset, options);
  const from = observations[0]?.ts ?? 0;
  const parts: ReturnType<typeof maskedRows>[] = [];
  let rows = 0;
  for (let copy = 0; copy < copies; copy += 1) {
    if (copy >= (options.minCopies ?? 6) && rows >= (options.targetRows ?? Infinity)) break;
    const masked = drawMask(observations, options.plan, { parameter: contract.parameter, share, seed: seed + copy * 7919, from, to: options.before });
    const part = maskedRows(dataset.sites, observations, masked, contract);
    parts.push(part);
    rows += part.rows;
  }
  if (rows < 50) throw new DataError(`only ${rows} training rows before the holdout: too little data to train on`, { rows });
  const columns = contract.columns.length;
  const set: TrainingSet = { values: new Float64Array(rows * columns), labels: new Float64Array(rows), rows, columns, copies: parts.length };
  let at = 0;
  for (const part of parts) {
    set.values.set(part.values, at * columns);
    set.labels.set(part.labels, at);
    at += part.rows;
  }
  return set;
}
