import type { FeatureContract } from '@airfill/features';
import type { LoadedModel } from './artifact';
import type { CalibrationPoint } from './calibration';
import type { Dataset } from './dataset';
import { scoreOnHoldout } from './evaluate';
import type { FittedForest } from './fit';
import { applyMask, type Holdout } from './holdout';
import { drawMask, type MaskPlan } from './mask-plan';
import { buildTrainingSet, trainingObservations, type TrainingSet } from './training-set';

/** How the calibration residuals are cross-fitted. */
export interface CrossFitSettings {
  /** The training period ends here (the evaluation holdout starts). */
  before: number;
  /** Contiguous time blocks; each is predicted by a model trained without it. @default 3 */
  folds?: number;
  /** Most training masks per fold model. @default 12 */
  copies?: number;
  /** Fold models stop adding masks past this many rows (at least 6 masks). @default Infinity */
  targetRows?: number;
  share?: number;
  /** Masks drawn on each fold to collect residuals. @default 2 */
  repeats?: number;
  plan: MaskPlan;
}

/** How the calibration residuals are cross-fitted, and how a fold model is trained. */
export interface CrossFitOptions extends CrossFitSettings {
  fit(set: TrainingSet): Promise<FittedForest>;
  log?: (message: string) => void;
}

/** One block of the training period, predicted by a model trained without it. */
export interface CrossFitFold {
  /** 0-based. */
  index: number;
  from: number;
  to: number;
}

/** The blocks of time the training period is cut into, on the data's time grid. */
export function crossFitFolds(dataset: Dataset, settings: Pick<CrossFitSettings, 'before' | 'folds' | 'plan'>): CrossFitFold[] {
  const folds = settings.folds ?? 3;
  const first = trainingObservations(dataset, { before: settings.before })[0]?.ts ?? settings.before;
  const stepMs = settings.plan.stepMs;
  const span = settings.before - first;
  return Array.from({ length: folds }, (_, index) => ({
    index,
    from: first + Math.round((span * index) / folds / stepMs) * stepMs,
    to: first + Math.round((span * (index + 1)) / folds / stepMs) * stepMs,
  }));
}

/** The training rows of a fold model: the training period without the fold. */
export function foldTrainingSet(dataset: Dataset, contract: FeatureContract, fold: CrossFitFold, settings: CrossFitSettings): TrainingSet {
  return buildTrainingSet(dataset, contract, {
    before: settings.before,
    exclude: { from: fold.from, to: fold.to },
    copies: settings.copies ?? 12,
    targetRows: settings.targetRows,
    share: settings.share,
    plan: settings.plan,
    seed: 1 + fold.index * 31,
  });
}

/** Out-of-sample residuals of a fold model: values masked inside its fold (in the data's outage shapes), predicted. */
export function foldResiduals(
  dataset: Dataset,
  contract: FeatureContract,
  fold: CrossFitFold,
  predict: LoadedModel['predict'],
  settings: CrossFitSettings,
): CalibrationPoint[] {
  const observations = trainingObservations(dataset, { before: settings.before });
  const share = settings.share ?? 0.15;
  const draws = Array.from({ length: settings.repeats ?? 2 }, (_, repeat) => {
    const masked = drawMask(observations, settings.plan, { parameter: contract.parameter, share, seed: 1_000 + fold.index * 17 + repeat, from: fold.from, to: fold.to });
    return applyMask(observations, masked, contract.parameter);
  });
  const holdout: Holdout = {
    parameter: contract.parameter,
    from: fold.from,
    to: fold.to,
    stepMs: settings.plan.stepMs,
    masks: settings.plan.kind,
    draws,
    options: { fraction: 0, share, seed: 0, repeats: draws.length },
  };
  const scores = scoreOnHoldout({ predict, contract }, dataset.sites, holdout);
  return Array.from(scores.truth, (truth, row) => ({ ...scores.keys[row]!, predicted: scores.predicted[row] as number, truth }));
}

/**
 * Out-of-sample residuals across the whole training period, for the interval
 * calibration: the period is cut into `folds` blocks of time, a model is
 * trained without each block and predicts values masked in it (in the same
 * outage shapes as everywhere else). Residuals from every season make
 * intervals that hold in the next one, where residuals of one recent stretch
 * did not (Beijing: 0.85 coverage at a nominal 0.90 with the last weeks
 * alone, 0.90 with the cross-fit). The training workflow runs the same
 * folds as parallel training jobs and scores them in a later step.
 */
export async function crossFitResiduals(dataset: Dataset, contract: FeatureContract, options: CrossFitOptions): Promise<CalibrationPoint[]> {
  const points: CalibrationPoint[] = [];
  const folds = crossFitFolds(dataset, options);
  for (const fold of folds) {
    options.log?.(`calibration: fold ${fold.index + 1} of ${folds.length}, training without ${new Date(fold.from).toISOString().slice(0, 10)} .. ${new Date(fold.to).toISOString().slice(0, 10)}`);
    const forest = await options.fit(foldTrainingSet(dataset, contract, fold, options));
    // One by one: a fold of a large network has more residuals than a call may take arguments (spread overflowed the stack at 2 million readings).
    for (const point of foldResiduals(dataset, contract, fold, forest.predict, options)) points.push(point);
  }
  return points;
}
