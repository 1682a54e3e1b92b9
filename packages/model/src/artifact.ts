import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { FeatureContract, FeatureMatrix } from '@airfill/features';
import { calibrationTableSchema, type CalibrationTable } from './calibration';
import { ModelFormatError } from './errors';
import { compileForest, predictForest } from './scorer';
import { predictForestParallel } from './parallel';

/** zod schema of `contract.json`. */
export const featureContractSchema = z.object({
  version: z.string(),
  parameter: z.string(),
  columns: z.array(z.string()).min(1),
  target: z.discriminatedUnion('kind', [z.object({ kind: z.literal('raw') }), z.object({ kind: z.literal('residual'), baselineColumn: z.string() })]),
  contextBeforeMs: z.number().nonnegative(),
  contextAfterMs: z.number().nonnegative(),
  /** The cadence of the training data (ms); absent in models trained before it was recorded (hourly data). */
  stepMs: z.number().positive().optional(),
});

const metricsSchema = z.object({ count: z.number(), mae: z.number(), rmse: z.number(), mre: z.number(), r2: z.number() });
const intervalMetricsSchema = z.object({ count: z.number(), coverage: z.number(), meanWidth: z.number(), intervalScore: z.number() });
const stratumSchema = z.object({
  count: z.number(),
  model: metricsSchema,
  linear: metricsSchema,
  locf: metricsSchema,
  stationMean: metricsSchema,
  interval: intervalMetricsSchema.optional(),
});

/** zod schema of `metrics.json`: the model's and the baselines' accuracy on its holdout, and how it was made. */
export const modelMetricsSchema = z.object({
  version: z.string(),
  parameter: z.string(),
  createdAt: z.string(),
  holdout: z.object({
    from: z.string(),
    to: z.string(),
    fraction: z.number(),
    share: z.number(),
    seed: z.number(),
    repeats: z.number().optional(),
    masks: z.enum(['real', 'synthetic']).optional(),
  }),
  model: metricsSchema,
  baselines: z.object({ stationMean: metricsSchema, locf: metricsSchema, linear: metricsSchema }),
  /** By gap length and by neighbours observed (models trained before strata were recorded have none). */
  strata: z.object({ gap: z.record(z.string(), stratumSchema), neighbours: z.record(z.string(), stratumSchema) }).optional(),
  intervals: z.object({ level: z.number(), overall: intervalMetricsSchema }).nullable().optional(),
  training: z.object({
    rows: z.number(),
    copies: z.number(),
    share: z.number(),
    rounds: z.number(),
    params: z.record(z.string(), z.union([z.string(), z.number()])),
    seconds: z.number(),
    /** Where the training masks came from (the data's real outages or synthetic shapes). */
    masks: z.string().optional(),
    /** The served model saw data up to here (the gate compares it only on values after). */
    through: z.string().optional(),
    /** Whether the served model was trained again on all the data after the evaluation. */
    refit: z.boolean().optional(),
    source: z.string().optional(),
    command: z.string().optional(),
  }),
});

/** What `metrics.json` holds. */
export type ModelMetricsFile = z.infer<typeof modelMetricsSchema>;

/** The interval calibration's file in a model directory (optional: models made before intervals have none). */
export const CALIBRATION_FILE = 'calibration.json';

/** A model ready to score feature matrices made with its contract. */
export interface LoadedModel {
  version: string;
  contract: FeatureContract;
  metrics: ModelMetricsFile;
  /** The interval calibration (`calibration.json`); null for models made before intervals. */
  calibration: CalibrationTable | null;
  dir: string;
  /** Raw model outputs (residuals for residual contracts; see `toPrediction`). */
  predict(matrix: FeatureMatrix): Float64Array;
  /** The same outputs, computed on all cores for large matrices (worker threads). */
  predictParallel(matrix: FeatureMatrix): Promise<Float64Array>;
}

/** Loads `model.json`, `contract.json`, `metrics.json` and `calibration.json` (when present) from a model directory, validating each. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const read = async (name: string): Promise<unknown> => {
    const path = join(dir, name);
    if (name === CALIBRATION_FILE && !existsSync(path)) return null;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new ModelFormatError(`cannot read ${path}`, { dir, file: name }, { cause: error });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ModelFormatError(`${path} is not JSON`, { dir, file: name }, { cause: error });
    }
  };
  const forest = compileForest(await read('model.json'));
  const contract = featureContractSchema.safeParse(await read('contract.json'));
  if (!contract.success) throw new ModelFormatError(`${join(dir, 'contract.json')} is not a feature contract`, { issues: contract.error.issues });
  const metrics = modelMetricsSchema.safeParse(await read('metrics.json'));
  if (!metrics.success) throw new ModelFormatError(`${join(dir, 'metrics.json')} is not a metrics file`, { issues: metrics.error.issues });
  const calibrationJson = await read(CALIBRATION_FILE);
  const calibration = calibrationJson === null ? null : calibrationTableSchema.safeParse(calibrationJson);
  if (calibration && !calibration.success) {
    throw new ModelFormatError(`${join(dir, CALIBRATION_FILE)} is not an interval calibration`, { issues: calibration.error.issues });
  }
  const loaded: FeatureContract = contract.data;
  const checkContract = (matrix: FeatureMatrix) => {
    if (matrix.contract.version !== loaded.version || matrix.contract.columns.join('\u0000') !== loaded.columns.join('\u0000')) {
      throw new ModelFormatError('feature matrix was built with another contract than the model', { model: metrics.data.version });
    }
  };
  return {
    version: metrics.data.version,
    contract: loaded,
    metrics: metrics.data,
    calibration: calibration ? calibration.data : null,
    dir: resolve(dir),
    predict(matrix) {
      checkContract(matrix);
      return predictForest(forest, matrix.values, matrix.rows, matrix.columns);
    },
    predictParallel(matrix) {
      checkContract(matrix);
      return predictForestParallel(forest, matrix.values, matrix.rows, matrix.columns);
    },
  };
}

/** Writes a model directory (the files `loadModel` reads). */
export async function saveModel(
  dir: string,
  files: { modelJson: string; contract: FeatureContract; metrics: ModelMetricsFile; calibration: CalibrationTable | null },
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.json'), files.modelJson);
  await writeFile(join(dir, 'contract.json'), `${JSON.stringify(files.contract, null, 2)}\n`);
  await writeFile(join(dir, 'metrics.json'), `${JSON.stringify(files.metrics, null, 2)}\n`);
  if (files.calibration) await writeFile(join(dir, CALIBRATION_FILE), `${JSON.stringify(files.calibration, null, 2)}\n`);
}
