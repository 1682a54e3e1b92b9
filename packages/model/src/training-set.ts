import { buildFeatureMatrixFromContext, prepareFeatureContext, type FeatureContract, type FeatureTarget, type Observation, type SensorSite } from '@airfill/features';
import type { Dataset } from './dataset';
import { DataError } from './errors';
import { applyMask, type HoldoutDraw } from './holdout';
import { seededRandom } from './random';
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
  /**
   * At least this many masks are used; each adds at most `targetRows /
   * minCopies` rows (a seeded sample of its hidden values), so a network
   * whose one mask hides more than that (a 2-minute network of 100 sensors
   * hides ~250,000 values a mask) still trains on about `targetRows` rows
   * from `minCopies` different outage draws. @default 6
   */
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

/**
 * At most `limit` of a copy's hidden values, picked at random (seeded; in time
 * order): a mask of a large or fast network hides far more values than a
 * training set needs, and every copy should still add its own outages.
 */
function sampleTargets(draw: HoldoutDraw, limit: number, seed: number): HoldoutDraw {
  if (draw.targets.length <= limit) return draw;
  const random = seededRandom(seed);
  const keep = new Uint8Array(draw.targets.length);
  // Selection sampling (Knuth's algorithm S): exactly `limit` rows, each equally likely.
  let needed = limit;
  for (let row = 0; row < draw.targets.length && needed > 0; row += 1) {
    if (random() * (draw.targets.length - row) < needed) {
      keep[row] = 1;
      needed -= 1;
    }
  }
  const rows = [...keep.keys()].filter((row) => keep[row] === 1);
  return { context: draw.context, targets: rows.map((row) => draw.targets[row] as FeatureTarget), truth: Float64Array.from(rows, (row) => draw.truth[row] as number) };
}

/** Feature rows of one masked copy whose label (truth minus baseline) is known. */
function maskedRows(sites: SensorSite[], observations: readonly Observation[], masked: Uint8Array, contract: FeatureContract, limit: number, seed: number) {
  const draw = sampleTargets(applyMask(observations, masked, contract.parameter), limit, seed);
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
  const minCopies = options.minCopies ?? 6;
  const perCopy = Math.ceil((options.targetRows ?? Infinity) / minCopies);
  let rows = 0;
  for (let copy = 0; copy < copies; copy += 1) {
    if (copy >= minCopies && rows >= (options.targetRows ?? Infinity)) break;
    const masked = drawMask(observations, options.plan, { parameter: contract.parameter, share, seed: seed + copy * 7919, from, to: options.before });
    const part = maskedRows(dataset.sites, observations, masked, contract, perCopy, seed + copy * 7919 + 1);
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
