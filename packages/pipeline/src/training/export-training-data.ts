import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCurrentModel, openTrainingRun, readingsSpan, readTrainingData, type Database } from '@airfill/db';
import { candidateTrainingSet, crossFitFolds, crossFitSettings, foldTrainingSet, prepareTraining, writeLibsvm, type TrainingSet } from '@airfill/model';
import { exportTrainingEventSchema, trainingJobName, trainingKeys, TRAINING_FITS, type ExportTrainingEvent, type TrainingFit, type TrainingState } from '@airfill/schema';
import { InputError } from '../errors';
import { runIdForExecution } from '../ids';
import type { Logger } from '../logger';
import { putFile, type Bucket } from '../s3-objects';
import { writeDataset, writeJson, type TrainingPlan } from './run-files';

/** What export-training-data works with. */
export interface ExportTrainingDeps {
  database: Database;
  bucket: Bucket;
  logger: Logger;
}

/** export-training-data's settings (the Lambda's environment). */
export interface ExportTrainingSettings {
  /** The training jobs' name prefix (`<prefix><run>-<fit>`). */
  jobPrefix: string;
  /** The parameters this deployment trains (each has its package group). */
  parameters: readonly string[];
  /** Days of history before the latest reading that a run reads. */
  windowDays: number;
  /** Recipe options over the defaults (tests train fewer rounds). */
  rounds?: number;
}

const DAY_MS = 86_400_000;

/** The parameter asked for, or the only one trained here; anything else is an `InputError` naming the choice. */
function parameterOf(asked: string | undefined, trained: readonly string[]): string {
  if (asked !== undefined) {
    if (!trained.includes(asked)) throw new InputError(`"${asked}" is not trained here (trained: ${trained.join(', ')})`, { parameter: asked, trained });
    return asked;
  }
  if (trained.length === 1) return trained[0]!;
  throw new InputError(`name the parameter to train in the execution input (one of ${trained.join(', ')})`, { trained });
}

async function uploadSet(bucket: Bucket, key: string, set: TrainingSet, workDir: string, name: string): Promise<void> {
  const path = join(workDir, `${name}.libsvm`);
  await writeLibsvm(path, set.values, set.rows, set.columns, set.labels);
  await putFile(bucket, key, path, 'text/libsvm');
}

/**
 * Opens the training run of the execution, reads the parameter's window of
 * data (every parameter: the features use them all), plans the training
 * (the serving feature code, masks copied from the data's own outages, the
 * holdout, the recipe) and writes what the later steps need under
 * `training/<run>/`: the dataset, the plan, and the LIBSVM rows of the
 * candidate and of each cross-fit fold, the training jobs' `train` channels.
 * A retry opens the same run and writes the same objects again.
 */
export async function exportTrainingData(deps: ExportTrainingDeps, settings: ExportTrainingSettings, rawEvent: ExportTrainingEvent): Promise<TrainingState> {
  const event = exportTrainingEventSchema.parse(rawEvent);
  const parameter = parameterOf(event.input.parameter, settings.parameters);
  const runId = runIdForExecution(event.executionId);
  const logger = deps.logger.child({ runId, parameter, step: 'export-training-data' });
  const run = await openTrainingRun(deps.database, { runId, executionId: event.executionId, parameter, trigger: event.input.trigger });

  const span = await readingsSpan(deps.database);
  if (!span) throw new InputError('there are no readings to train on', { parameter });
  const from = new Date(span.last - settings.windowDays * DAY_MS);
  const data = await readTrainingData(deps.database, { from, to: null });
  const dataset = { sites: data.sites, observations: data.observations, parameters: data.parameters };
  const prepared = prepareTraining(dataset, parameter, settings.rounds === undefined ? {} : { rounds: settings.rounds });
  const current = await getCurrentModel(deps.database, parameter);
  const keys = trainingKeys(runId);

  const workDir = await mkdtemp(join(tmpdir(), 'airfill-export-'));
  try {
    await writeDataset(deps.bucket, runId, dataset);
    const candidate = candidateTrainingSet(dataset, prepared);
    await uploadSet(deps.bucket, keys.data('model'), candidate, workDir, 'model');
    const foldSettings = crossFitSettings(prepared);
    const folds = crossFitFolds(dataset, foldSettings);
    const foldRows: number[] = [];
    for (const fold of folds) {
      const set = foldTrainingSet(dataset, prepared.contract, fold, foldSettings);
      foldRows.push(set.rows);
      await uploadSet(deps.bucket, keys.data(TRAINING_FITS[fold.index + 1]!), set, workDir, `fold${fold.index + 1}`);
    }
    const { fraction, share, seed, repeats } = prepared.holdout.options;
    const plan: TrainingPlan = {
      format: 'airfill-training-plan-1',
      runId,
      parameter,
      createdAt: run.startedAt.toISOString(),
      source: `readings from ${from.toISOString()} to ${new Date(span.last).toISOString()}`,
      recipe: prepared.recipe,
      holdout: { fraction, share, seed, repeats, from: prepared.holdout.from },
      candidate: { rows: candidate.rows, copies: candidate.copies },
      folds: folds.map((fold, index) => ({ fit: TRAINING_FITS[index + 1]!, index: fold.index, from: fold.from, to: fold.to, rows: foldRows[index]! })),
      current: current ? { version: current.version, artifactUri: current.artifactUri } : null,
    };
    await writeJson(deps.bucket, keys.plan, plan);
    const rows: Record<TrainingFit, number> = { model: candidate.rows, fold1: foldRows[0]!, fold2: foldRows[1]!, fold3: foldRows[2]! };
    logger.info('training data exported', { observations: dataset.observations.length, rows });
    const uri = (key: string) => `s3://${deps.bucket.name}/${key}`;
    return {
      runId,
      parameter,
      bucket: deps.bucket.name,
      fits: TRAINING_FITS.map((fit) => ({ fit, jobName: trainingJobName(settings.jobPrefix, runId, fit), trainUri: uri(keys.dataPrefix(fit)), outputUri: uri(keys.outputPrefix), rows: rows[fit] })),
      hyperParameters: Object.fromEntries([...Object.entries(prepared.recipe.params).map(([name, value]) => [name, String(value)]), ['num_round', String(prepared.recipe.rounds)]]),
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
