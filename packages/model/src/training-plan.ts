import { makeFeatureContract, type FeatureContract } from '@airfill/features';
import type { CrossFitSettings } from './cross-fit';
import { requireParameter, type Dataset } from './dataset';
import { DEFAULT_BOOSTER_PARAMS, DEFAULT_ROUNDS } from './fit';
import { drawHoldout, type Holdout, type HoldoutOptions } from './holdout';
import { planMasks, type MaskPlan } from './mask-plan';
import { buildTrainingSet, type TrainingSet } from './training-set';
import type { BoosterParams } from './xgboost-cli';

/** What a training run may choose; everything else is the recipe's default. */
export interface TrainingRecipeOptions {
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
}

/** The recipe of one training, every choice resolved. */
export interface TrainingRecipe {
  copies: number;
  targetRows: number;
  share: number;
  rounds: number;
  params: BoosterParams;
  intervalLevel: number;
  floor: number | null;
}

/** A training, planned: what is predicted from what, the masks, the holdout and the recipe. */
export interface PreparedTraining {
  parameter: string;
  contract: FeatureContract;
  plan: MaskPlan;
  holdout: Holdout;
  recipe: TrainingRecipe;
}

/** Training rows past which more masks stop paying (stress test on Beijing: 130,000 rows 26%, 260,000 29%, 520,000 28% below interpolation). */
const DEFAULT_TARGET_ROWS = 250_000;

/** 0 for a parameter never observed below zero (concentrations), else no floor. */
function defaultFloor(dataset: Dataset, parameter: string): number | null {
  return dataset.observations.every((observation) => observation.parameter !== parameter || observation.value === null || observation.value >= 0) ? 0 : null;
}

/**
 * Plans a training on a dataset: the feature contract, the masks (copied from
 * the data's own outages, or synthetic shapes), the holdout (the latest 20%,
 * masked) and the recipe. Deterministic: the same dataset and options give
 * the same plan, so the steps of a training run can each plan again from the
 * dataset file instead of passing masks around.
 */
export function prepareTraining(dataset: Dataset, parameter: string, options: TrainingRecipeOptions = {}): PreparedTraining {
  requireParameter(dataset, parameter);
  const plan = planMasks(dataset.observations, parameter);
  // The model records the cadence it learned; data far from it is refused at scoring (assertCadenceFits).
  const contract: FeatureContract = { ...makeFeatureContract(parameter, dataset.parameters), stepMs: plan.stepMs };
  const holdout = drawHoldout(dataset, parameter, options.holdout, plan);
  const recipe: TrainingRecipe = {
    copies: options.copies ?? 24,
    targetRows: options.targetRows ?? DEFAULT_TARGET_ROWS,
    share: options.share ?? 0.15,
    rounds: options.rounds ?? DEFAULT_ROUNDS,
    params: { ...DEFAULT_BOOSTER_PARAMS, ...options.params },
    intervalLevel: options.intervalLevel ?? 0.9,
    floor: options.floor === undefined ? defaultFloor(dataset, parameter) : options.floor,
  };
  return { parameter, contract, plan, holdout, recipe };
}

/** The candidate's training rows: masked values of the data before the holdout. */
export function candidateTrainingSet(dataset: Dataset, prepared: PreparedTraining): TrainingSet {
  const { recipe } = prepared;
  return buildTrainingSet(dataset, prepared.contract, {
    before: prepared.holdout.from,
    copies: recipe.copies,
    targetRows: recipe.targetRows,
    share: recipe.share,
    plan: prepared.plan,
  });
}

/** How the calibration folds are cut and trained: fold models need fewer rows than the served one, their residuals only set the intervals' widths. */
export function crossFitSettings(prepared: PreparedTraining): CrossFitSettings {
  const { recipe } = prepared;
  return { before: prepared.holdout.from, share: recipe.share, plan: prepared.plan, copies: Math.ceil(recipe.copies / 2), targetRows: recipe.targetRows / 2 };
}
