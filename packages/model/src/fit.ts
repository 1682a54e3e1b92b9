import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedModel } from './artifact';
import { compileForest, predictForest } from './scorer';
import { predictForestParallel } from './parallel';
import type { TrainingSet } from './training-set';
import { trainWithCli, type BoosterParams } from './xgboost-cli';

/** Booster settings found on the Beijing year (DESIGN section 5: pseudo-Huber, slope ~10, on the residual). */
export const DEFAULT_BOOSTER_PARAMS: BoosterParams = {
  objective: 'reg:pseudohubererror',
  huber_slope: 10,
  eta: 0.05,
  max_depth: 6,
  min_child_weight: 5,
  subsample: 0.8,
  colsample_bytree: 0.8,
  tree_method: 'hist',
  nthread: 2,
  seed: 1,
};
/** Boosting rounds by default. */
export const DEFAULT_ROUNDS = 400;

/** A forest trained on one training set, ready to score. */
export interface FittedForest {
  modelJson: string;
  predict: LoadedModel['predict'];
  predictParallel: LoadedModel['predictParallel'];
}

/** Trains a forest with the xgboost CLI in a throwaway folder. */
export async function fitForest(set: TrainingSet, params: BoosterParams, rounds: number): Promise<FittedForest> {
  const workDir = await mkdtemp(join(tmpdir(), 'airfill-train-'));
  try {
    const modelJson = await trainWithCli({ workDir, ...set, params, rounds });
    const forest = compileForest(JSON.parse(modelJson));
    return {
      modelJson,
      predict: (matrix) => predictForest(forest, matrix.values, matrix.rows, matrix.columns),
      predictParallel: (matrix) => predictForestParallel(forest, matrix.values, matrix.rows, matrix.columns),
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
