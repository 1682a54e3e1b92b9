import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { describeCadence, makeFeatureContract, type FeatureContract } from '@airfill/features';
import { saveModel, type LoadedModel, type ModelMetricsFile } from './artifact';
import { fitCalibration, type CalibrationKey, type CalibrationPoint, type CalibrationTable } from './calibration';
import { crossFitResiduals } from './cross-fit';
import { requireParameter, type Dataset } from './dataset';
import { evaluateOnHoldout, type Evaluation } from './evaluate';
import { DEFAULT_BOOSTER_PARAMS, DEFAULT_ROUNDS, fitForest } from './fit';
import { drawHoldout, timeSpan, type Holdout, type HoldoutOptions } from './holdout';
import { describeMaskPlan, planMasks } from './mask-plan';
import { buildTrainingSet } from './training-set';
import type { BoosterParams } from './xgboost-cli';

/** What to train and how. */
export interface TrainOptions {
  parameter: string;
  /** Where the model directory is written; default `<modelsDir>/<version>`. */
  outDir?: string;
  /** Parent folder for model directories named by version (used when `outDir` is not given). */
  modelsDir?: string;
  holdout?: HoldoutOptions;
  /** Most training masks. @default 24 */
  copies?: number;
  /** Masks stop once they have made this many training rows (at least 6 masks). @default 250,000 */
  targetRows?: number;
  share?: number;
  rounds?: number;
  params?: BoosterParams;
  /** Nominal coverage of the prediction intervals. @default 0.9 */
  intervalLevel?: number;
  /** Lowest physical value of the parameter (intervals never go below it); null for none. @default 0 when every observed value is >= 0 */
  floor?: number | null;
  /**
   * Train the served model again on all the data, holdout included, once the
   * evaluation is done (the evaluated recipe, with the most recent data). Off
   * for the registry: a model that has seen its holdout cannot be compared
   * fairly by the next training on the same data, so the gate would fall back
   * to the baselines. On for one-off fills (`airfill impute --train-csv`).
   * @default false
   */
  refit?: boolean;
  /** Recorded in metrics.json: the data and the command line that made the model. */
  source?: string;
  command?: string;
  /** Progress messages for people. */
  log?: (message: string) => void;
}

/** A trained candidate, its evaluation, and the holdout it was scored on (for the gate). */
export interface TrainResult {
  model: LoadedModel;
  evaluation: Evaluation;
  holdout: Holdout;
}

/** Training rows past which more masks stop paying (stress test on Beijing: 130,000 rows 26%, 260,000 29%, 520,000 28% below interpolation). */
const DEFAULT_TARGET_ROWS = 250_000;

function versionOf(parameter: string, modelJson: string): string {
  const hash = createHash('sha256').update(modelJson).digest('hex').slice(0, 8);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${parameter.toLowerCase().replace(/[^a-z0-9]+/g, '')}-${stamp}-${hash}`;
}

/** 0 for a parameter never observed below zero (concentrations), else no floor. */
function defaultFloor(dataset: Dataset, parameter: string): number | null {
  return dataset.observations.every((observation) => observation.parameter !== parameter || observation.value === null || observation.value >= 0) ? 0 : null;
}

/**
 * Trains a model, evaluates it honestly and calibrates its intervals:
 * 1. masks copied from the data's own outages (synthetic shapes when it has
 *    too few) on the data before the holdout; a forest on the residual of the
 *    corrected interpolation (xgboost CLI);
 * 2. interval calibration on out-of-sample residuals cross-fitted over the
 *    training period (`crossFitResiduals`);
 * 3. the model, its intervals and the baselines scored on the masked holdout,
 *    overall and by stratum;
 * 4. the served calibration refitted on every out-of-sample residual
 *    (cross-fit and holdout); with `refit`, the served forest trained again
 *    on all the data.
 */
export async function trainModel(dataset: Dataset, options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? (() => undefined);
  const parameter = options.parameter;
  requireParameter(dataset, parameter);
  const started = Date.now();
  const plan = planMasks(dataset.observations, parameter);
  // The model records the cadence it learned; data far from it is refused at scoring (assertCadenceFits).
  const contract: FeatureContract = { ...makeFeatureContract(parameter, dataset.parameters), stepMs: plan.stepMs };
  log(`masks: ${describeMaskPlan(plan)}; readings ${describeCadence(plan.stepMs)}`);
  const holdout = drawHoldout(dataset, parameter, options.holdout, plan);
  const copies = options.copies ?? 24;
  const share = options.share ?? 0.15;
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  const params = { ...DEFAULT_BOOSTER_PARAMS, ...options.params };
  const level = options.intervalLevel ?? 0.9;
  const floor = options.floor === undefined ? defaultFloor(dataset, parameter) : options.floor;
  const fit = (set: Parameters<typeof fitForest>[0]) => fitForest(set, params, rounds);

  const targetRows = options.targetRows ?? DEFAULT_TARGET_ROWS;
  const set = buildTrainingSet(dataset, contract, { before: holdout.from, copies, targetRows, share, plan });
  log(`training on ${set.rows} masked values x ${set.columns} features (${set.copies} masks before ${new Date(holdout.from).toISOString()})`);
  const evaluated = await fit(set);

  // Fold models need fewer rows than the served one: their residuals only set the intervals' widths.
  const crossFit = await crossFitResiduals(dataset, contract, { before: holdout.from, share, plan, fit, log, copies: Math.ceil(copies / 2), targetRows: targetRows / 2 });
  const calibrationOptions = { level, stepMs: plan.stepMs, floor };
  const evaluationCalibration = fitCalibration(crossFit, calibrationOptions);
  log(`scoring the model and the baselines on ${holdout.draws.reduce((sum, draw) => sum + draw.targets.length, 0)} held-out values`);
  const evaluation = evaluateOnHoldout({ version: 'candidate', contract, predict: evaluated.predict, calibration: evaluationCalibration }, dataset.sites, holdout);

  // The served calibration uses every out-of-sample residual: the cross-fit's and the holdout's.
  const heldOut: CalibrationPoint[] = Array.from(evaluation.scores.truth, (truth, row) => ({
    ...(evaluation.scores.keys[row] as CalibrationKey),
    predicted: evaluation.scores.predicted[row] as number,
    truth,
  }));
  const calibration: CalibrationTable = fitCalibration([...crossFit, ...heldOut], calibrationOptions);
  const refit = options.refit ?? false;
  let served = evaluated;
  let through = holdout.from;
  if (refit) {
    through = timeSpan(dataset.observations, parameter).last + holdout.stepMs;
    const all = buildTrainingSet(dataset, contract, { before: through, copies, targetRows, share, plan });
    log(`training the served model again on all ${all.rows} masked values (holdout included)`);
    served = await fit(all);
  }

  const version = versionOf(parameter, served.modelJson);
  const table = { ...evaluation.table, model: { ...evaluation.table.model, version } };
  const metrics: ModelMetricsFile = {
    version,
    parameter,
    createdAt: new Date().toISOString(),
    holdout: { from: table.holdout.from, to: table.holdout.to, ...holdout.options, masks: holdout.masks },
    model: { count: table.model.count, mae: table.model.mae, rmse: table.model.rmse, mre: table.model.mre, r2: table.model.r2 },
    baselines: table.baselines,
    strata: table.strata,
    intervals: table.intervals,
    training: {
      rows: set.rows,
      copies: set.copies,
      share,
      rounds,
      params,
      masks: describeMaskPlan(plan),
      through: new Date(through).toISOString(),
      refit,
      seconds: (Date.now() - started) / 1000,
      ...(options.source ? { source: options.source } : {}),
      ...(options.command ? { command: options.command } : {}),
    },
  };
  const dir = resolve(options.outDir ?? join(options.modelsDir ?? '.', version));
  await saveModel(dir, { modelJson: served.modelJson, contract, metrics, calibration });
  log(`model ${version} written to ${dir}`);
  const model: LoadedModel = { version, contract, metrics, calibration, dir, predict: served.predict, predictParallel: served.predictParallel };
  return { model, evaluation: { table, scores: evaluation.scores }, holdout };
}

export { DEFAULT_BOOSTER_PARAMS, DEFAULT_ROUNDS };
