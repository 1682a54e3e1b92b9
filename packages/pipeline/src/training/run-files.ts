import { decodeDataset, encodeDataset, prepareTraining, type CalibrationPoint, type Dataset, type PreparedTraining } from '@airfill/model';
import { trainingKeys, TRAINING_FITS } from '@airfill/schema';
import { z } from 'zod';
import { InputError } from '../errors';
import { getBytes, getText, putBytes, putText, type Bucket } from '../s3-objects';

/**
 * The files one training run keeps under `training/<run>/`: the dataset the
 * export read, the plan every later step follows, the cross-fitted
 * residuals and the evaluation. Each is validated where it is read.
 */

const recipeSchema = z.object({
  copies: z.number().int().positive(),
  targetRows: z.number().positive(),
  share: z.number().gt(0).lt(1),
  rounds: z.number().int().positive(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  intervalLevel: z.number().gt(0).lt(1),
  floor: z.number().nullable(),
});

/** What the export decided: the later steps plan again from the dataset with these options and check they agree. */
export const trainingPlanSchema = z.object({
  format: z.literal('airfill-training-plan-1'),
  runId: z.uuid(),
  parameter: z.string().min(1),
  /** When the run started: names the model's version, so a retried step gives the same version. */
  createdAt: z.iso.datetime(),
  /** What the data was: where it came from and its time range. */
  source: z.string().min(1),
  recipe: recipeSchema,
  holdout: z.object({ fraction: z.number(), share: z.number(), seed: z.number(), repeats: z.number().int().positive(), from: z.number() }),
  candidate: z.object({ rows: z.number().int().nonnegative(), copies: z.number().int().nonnegative() }),
  folds: z.array(z.object({ fit: z.enum(TRAINING_FITS), index: z.number().int().nonnegative(), from: z.number(), to: z.number(), rows: z.number().int().nonnegative() })),
  /** The current model the candidate must beat, as it was when the run started (registration checks it is still current). */
  current: z.object({ version: z.string().min(1), artifactUri: z.string().min(1) }).nullable(),
});
export type TrainingPlan = z.output<typeof trainingPlanSchema>;

function parseJson<S extends z.ZodType>(text: string, schema: S, key: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${key} is not JSON`, { key }, { cause: error });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InputError(`${key}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`, { key });
  return parsed.data;
}

/** Reads and validates a JSON object of the run. */
export async function readJson<S extends z.ZodType>(bucket: Bucket, key: string, schema: S): Promise<z.output<S>> {
  return parseJson(await getText(bucket, key), schema, key);
}

/** Writes a JSON object of the run. */
export function writeJson(bucket: Bucket, key: string, value: unknown): Promise<void> {
  return putText(bucket, key, JSON.stringify(value), 'application/json');
}

/** Writes the dataset file. */
export function writeDataset(bucket: Bucket, run: string, dataset: Dataset): Promise<void> {
  return putBytes(bucket, trainingKeys(run).dataset, encodeDataset(dataset), 'application/gzip');
}

/** The run's dataset, and its training planned again from the plan's options; a plan that no longer fits the data is an `InputError`. */
export async function readPlannedTraining(bucket: Bucket, run: string): Promise<{ plan: TrainingPlan; dataset: Dataset; prepared: PreparedTraining }> {
  const keys = trainingKeys(run);
  const plan = await readJson(bucket, keys.plan, trainingPlanSchema);
  if (plan.runId !== run) throw new InputError(`${keys.plan} belongs to run ${plan.runId}, not ${run}`, { run });
  const dataset = decodeDataset(await getBytes(bucket, keys.dataset));
  const { fraction, share, seed, repeats } = plan.holdout;
  const prepared = prepareTraining(dataset, plan.parameter, { ...plan.recipe, holdout: { fraction, share, seed, repeats } });
  if (prepared.holdout.from !== plan.holdout.from) {
    throw new InputError(`the dataset of run ${run} gives another holdout than its plan (${prepared.holdout.from} vs ${plan.holdout.from})`, { run });
  }
  return { plan, dataset, prepared };
}

/** Calibration points as columns (Infinity, an open-ended gap, is null in JSON). */
const calibrationFileSchema = z
  .object({
    format: z.literal('airfill-calibration-points-1'),
    gapSteps: z.array(z.number().nullable()),
    neighboursObserved: z.array(z.number().int().nonnegative()),
    predicted: z.array(z.number()),
    truth: z.array(z.number()),
  })
  .refine((file) => [file.neighboursObserved, file.predicted, file.truth].every((column) => column.length === file.gapSteps.length), 'the columns differ in length');

/** Writes the cross-fitted residuals. */
export function writeCalibrationPoints(bucket: Bucket, key: string, points: readonly CalibrationPoint[]): Promise<void> {
  return writeJson(bucket, key, {
    format: 'airfill-calibration-points-1',
    gapSteps: points.map((point) => (Number.isFinite(point.gapSteps) ? point.gapSteps : null)),
    neighboursObserved: points.map((point) => point.neighboursObserved),
    predicted: points.map((point) => point.predicted),
    truth: points.map((point) => point.truth),
  });
}

/** Reads the cross-fitted residuals. */
export async function readCalibrationPoints(bucket: Bucket, key: string): Promise<CalibrationPoint[]> {
  const file = await readJson(bucket, key, calibrationFileSchema);
  return file.gapSteps.map((gapSteps, row) => ({
    gapSteps: gapSteps ?? Infinity,
    neighboursObserved: file.neighboursObserved[row]!,
    predicted: file.predicted[row]!,
    truth: file.truth[row]!,
  }));
}
