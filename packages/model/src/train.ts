import { join, resolve } from 'node:path';
import { describeCadence } from '@airfill/features';
import { saveModel, type LoadedModel } from './artifact';
import { assessCandidate, buildModelMetrics, modelVersionOf } from './candidate-assessment';
import { crossFitResiduals } from './cross-fit';
import type { Dataset } from './dataset';
import type { Evaluation } from './evaluate';
import { DEFAULT_BOOSTER_PARAMS, DEFAULT_ROUNDS, fitForest } from './fit';
import { timeSpan, type Holdout } from './holdout';
import { describeMaskPlan } from './mask-plan';
import { buildTrainingSet } from './training-set';
import { candidateTrainingSet, crossFitSettings, prepareTraining, type TrainingRecipeOptions } from './training-plan';

/** What to train and how. */
export interface TrainOptions extends TrainingRecipeOptions {
  parameter: string;
  /** Where the model directory is written; default `<modelsDir>/<version>`. */
  outDir?: string;
  /** Parent folder for model directories named by version (used when `outDir` is not given). */
  modelsDir?: string;
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
 * The training workflow runs the same steps (`prepareTraining`,
 * `candidateTrainingSet`, the cross-fit folds, `assessCandidate`) as states
 * of a state machine, with training jobs in place of `fitForest`.
 */
export async function trainModel(dataset: Dataset, options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? (() => undefined);
  const parameter = options.parameter;
  const started = Date.now();
  const prepared = prepareTraining(dataset, parameter, options);
  log(`masks: ${describeMaskPlan(prepared.plan)}; readings ${describeCadence(prepared.plan.stepMs)}`);
  const { contract, holdout, recipe } = prepared;
  const fit = (set: Parameters<typeof fitForest>[0]) => fitForest(set, recipe.params, recipe.rounds);

  const set = candidateTrainingSet(dataset, prepared);
  log(`training on ${set.rows} masked values x ${set.columns} features (${set.copies} masks before ${new Date(holdout.from).toISOString()})`);
  const evaluated = await fit(set);

  const crossFit = await crossFitResiduals(dataset, contract, { ...crossFitSettings(prepared), fit, log });
  log(`scoring the model and the baselines on ${holdout.draws.reduce((sum, draw) => sum + draw.targets.length, 0)} held-out values`);
  const assessment = assessCandidate(dataset, prepared, evaluated.predict, crossFit);

  const refit = options.refit ?? false;
  let served = evaluated;
  let through = holdout.from;
  if (refit) {
    through = timeSpan(dataset.observations, parameter).last + holdout.stepMs;
    const all = buildTrainingSet(dataset, contract, { before: through, copies: recipe.copies, targetRows: recipe.targetRows, share: recipe.share, plan: prepared.plan });
    log(`training the served model again on all ${all.rows} masked values (holdout included)`);
    served = await fit(all);
  }

  const version = modelVersionOf(parameter, served.modelJson);
  const { metrics, evaluation } = buildModelMetrics(prepared, assessment, {
    version,
    rows: set.rows,
    copies: set.copies,
    through,
    refit,
    seconds: (Date.now() - started) / 1000,
    ...(options.source ? { source: options.source } : {}),
    ...(options.command ? { command: options.command } : {}),
  });
  const dir = resolve(options.outDir ?? join(options.modelsDir ?? '.', version));
  await saveModel(dir, { modelJson: served.modelJson, contract, metrics, calibration: assessment.calibration });
  log(`model ${version} written to ${dir}`);
  const model: LoadedModel = { version, contract, metrics, calibration: assessment.calibration, dir, predict: served.predict, predictParallel: served.predictParallel };
  return { model, evaluation, holdout };
}

export { DEFAULT_BOOSTER_PARAMS, DEFAULT_ROUNDS };
