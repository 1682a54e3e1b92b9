import { buildFeatureMatrixFromContext, prepareFeatureContext, type FeatureContract, type Observation } from '@airfill/features';
import { drawOutageMask, typicalStepMs } from './masks';
import type { Dataset } from './dataset';
import { DataError } from './errors';

/** How training rows are made. */
export interface TrainingSetOptions {
  /** Only observations before this instant are used (the holdout starts here). */
  before: number;
  /** Independent outage masks; more copies help (DESIGN section 5). @default 6 */
  copies?: number;
  /** Share of observed values each copy hides. @default 0.15 */
  share?: number;
  /** @default 1 */
  seed?: number;
}

/** Feature rows and labels (truth minus baseline for residual contracts). */
export interface TrainingSet {
  values: Float64Array;
  labels: Float64Array;
  rows: number;
  columns: number;
}

/**
 * Builds training rows by hiding observed values in realistic outage shapes
 * (several independent copies) and asking the features to predict them from
 * what is left, exactly as at inference.
 */
export function buildTrainingSet(dataset: Dataset, contract: FeatureContract, options: TrainingSetOptions): TrainingSet {
  const copies = options.copies ?? 6;
  const share = options.share ?? 0.15;
  const seed = options.seed ?? 1;
  const parameter = contract.parameter;
  const observations = dataset.observations.filter((observation) => observation.ts < options.before);
  const stepMs = typicalStepMs(observations, parameter);
  const from = observations[0]?.ts ?? 0;
  const baselineAt = contract.target.kind === 'residual' ? contract.columns.indexOf(contract.target.baselineColumn) : -1;
  const parts: { values: Float64Array; labels: Float64Array; rows: number }[] = [];
  for (let copy = 0; copy < copies; copy += 1) {
    const masked = drawOutageMask(observations, { parameter, share, seed: seed + copy * 7919, from, to: options.before, stepMs });
    const context: Observation[] = [];
    const targets: { deviceId: string; ts: number }[] = [];
    const truth: number[] = [];
    observations.forEach((observation, at) => {
      if (masked[at] !== 1) context.push(observation);
      else if (observation.parameter === parameter && observation.value !== null) {
        targets.push({ deviceId: observation.deviceId, ts: observation.ts });
        truth.push(observation.value);
      }
    });
    const matrix = buildFeatureMatrixFromContext(prepareFeatureContext({ sites: dataset.sites, observations: context }, parameter), targets, contract);
    const labels = new Float64Array(matrix.rows);
    let kept = 0;
    const values = new Float64Array(matrix.values.length);
    for (let row = 0; row < matrix.rows; row += 1) {
      const baseline = baselineAt >= 0 ? (matrix.values[row * matrix.columns + baselineAt] as number) : 0;
      if (!Number.isFinite(baseline)) continue;
      labels[kept] = (truth[row] as number) - baseline;
      values.set(matrix.values.subarray(row * matrix.columns, (row + 1) * matrix.columns), kept * matrix.columns);
      kept += 1;
    }
    parts.push({ values: values.subarray(0, kept * matrix.columns), labels: labels.subarray(0, kept), rows: kept });
  }
  const rows = parts.reduce((sum, part) => sum + part.rows, 0);
  if (rows < 50) throw new DataError(`only ${rows} training rows before the holdout: too little data to train on`, { rows });
  const columns = contract.columns.length;
  const set: TrainingSet = { values: new Float64Array(rows * columns), labels: new Float64Array(rows), rows, columns };
  let at = 0;
  for (const part of parts) {
    set.values.set(part.values, at * columns);
    set.labels.set(part.labels, at);
    at += part.rows;
  }
  return set;
}
