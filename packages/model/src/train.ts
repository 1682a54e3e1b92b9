import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeFeatureContract, type FeatureContract } from '@airfill/features';
import { saveModel, type LoadedModel, type ModelMetricsFile } from './artifact';
import { requireParameter, type Dataset } from './dataset';
import { evaluateOnHoldout, type EvaluationTable } from './evaluate';
import { drawHoldout, type HoldoutOptions } from './holdout';
import { compileForest, predictForest } from './scorer';
import { predictForestParallel } from './parallel';
import { buildTrainingSet } from './training-set';
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
  nthread: 2,
  seed: 1,
};
/** Boosting rounds by default. */
export const DEFAULT_ROUNDS = 400;

/** What to train and how. */
export interface TrainOptions {
  parameter: string;
  /** Where the model directory is written; default `<modelsDir>/<version>`. */
  outDir?: string;
  /** Parent folder for model directories named by version (used when `outDir` is not given). */
  modelsDir?: string;
  holdout?: HoldoutOptions;
  copies?: number;
  share?: number;
  rounds?: number;
  params?: BoosterParams;
  /** Recorded in metrics.json: the data and the command line that made the model. */
  source?: string;
  command?: string;
  /** Progress messages for people. */
  log?: (message: string) => void;
}

/** A trained candidate, its evaluation, and the holdout it was scored on (for the gate). */
export interface TrainResult {
  model: LoadedModel;
  table: EvaluationTable;
  holdout: ReturnType<typeof drawHoldout>;
}

/**
 * Trains a candidate model: realistic masks on the data before the holdout,
 * residual target, xgboost CLI; then evaluates it and the baselines on the
 * masked holdout and writes the model directory.
 */
export async function trainModel(dataset: Dataset, options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? (() => undefined);
  requireParameter(dataset, options.parameter);
  const started = Date.now();
  const contract: FeatureContract = makeFeatureContract(options.parameter, dataset.parameters);
  const holdout = drawHoldout(dataset, options.parameter, options.holdout);
  const copies = options.copies ?? 6;
  const share = options.share ?? 0.15;
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  const params = { ...DEFAULT_BOOSTER_PARAMS, ...options.params };
  const set = buildTrainingSet(dataset, contract, { before: holdout.from, copies, share });
  log(`training on ${set.rows} masked values x ${set.columns} features (${copies} masks before ${new Date(holdout.from).toISOString()})`);
  const workDir = await mkdtemp(join(tmpdir(), 'airfill-train-'));
  try {
    const modelJson = await trainWithCli({ workDir, ...set, params, rounds });
    const forest = compileForest(JSON.parse(modelJson));
    const hash = createHash('sha256').update(modelJson).digest('hex').slice(0, 8);
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
    const version = `${options.parameter.toLowerCase().replace(/[^a-z0-9]+/g, '')}-${stamp}-${hash}`;
    const predict: LoadedModel['predict'] = (matrix) => predictForest(forest, matrix.values, matrix.rows, matrix.columns);
    const predictParallel: LoadedModel['predictParallel'] = (matrix) => predictForestParallel(forest, matrix.values, matrix.rows, matrix.columns);
    const table = evaluateOnHoldout({ version, contract, predict }, dataset.sites, holdout);
    const metrics: ModelMetricsFile = {
      version,
      parameter: options.parameter,
      createdAt: new Date().toISOString(),
      holdout: { from: table.holdout.from, to: table.holdout.to, ...holdout.options },
      model: { count: table.model.count, mae: table.model.mae, rmse: table.model.rmse, mre: table.model.mre, r2: table.model.r2 },
      baselines: table.baselines,
      training: {
        rows: set.rows,
        copies,
        share,
        rounds,
        params,
        seconds: (Date.now() - started) / 1000,
        ...(options.source ? { source: options.source } : {}),
        ...(options.command ? { command: options.command } : {}),
      },
    };
    const dir = resolve(options.outDir ?? join(options.modelsDir ?? '.', version));
    await saveModel(dir, { modelJson, contract, metrics });
    log(`model ${version} written to ${dir}`);
    return { model: { version, contract, metrics, dir, predict, predictParallel }, table, holdout };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
