import path from 'node:path';
import { existsSync } from 'node:fs';
import { DEFAULT_SENTINEL } from '@airfill/schema';
import { readReadingsCsv } from '@airfill/ingest';
import { getCurrentModel, type OpenedDatabase } from '@airfill/db';
import {
  datasetFromReadings,
  decidePromotion,
  DEFAULT_MODELS_DIR,
  evaluateOnHoldout,
  loadModel,
  loadModelFromSet,
  trainModel,
  type Dataset,
  type Evaluation,
  type GateDecision,
  type LoadedModel,
  type ReadingLike,
  type TrainResult,
  FeatureContractError,
} from '@airfill/model';
import { note, progressLine, endProgress } from './output';

/**
 * Reads a CSV file in the input contract into memory for training, evaluation
 * or imputation. Rejected rows are counted and reported, not fatal: the same
 * rows `airfill load` would reject.
 */
export async function readDatasetCsv(file: string, sentinel: number = DEFAULT_SENTINEL): Promise<Dataset> {
  let rejected = 0;
  let firstReject = '';
  async function* readings(): AsyncGenerator<ReadingLike> {
    for await (const record of readReadingsCsv(file, { sentinel })) {
      if (record.kind === 'reading') yield record.reading;
      else if (rejected++ === 0) firstReject = `line ${record.line}, column ${record.column}: ${record.reason}`;
    }
  }
  progressLine(`reading ${path.basename(file)}`);
  const dataset = await datasetFromReadings(readings());
  endProgress();
  if (rejected > 0) note(`note: ${rejected.toLocaleString('en-US')} row(s) of ${path.basename(file)} rejected and left out (first: ${firstReject})`);
  return dataset;
}

/** The current model for a parameter: the registry's current one, else the committed default model of that parameter, else none. */
export async function resolveCurrentModel(database: OpenedDatabase | null, parameter: string): Promise<LoadedModel | null> {
  const registered = database ? await getCurrentModel(database, parameter) : undefined;
  if (registered && existsSync(registered.artifactUri)) return loadModel(registered.artifactUri);
  if (registered) note(`note: current ${parameter} model ${registered.version} is registered at ${registered.artifactUri}, which is not here; using the default model`);
  return (await loadModelFromSet(parameter, DEFAULT_MODELS_DIR)) ?? null;
}

/** A trained candidate and what the gate decided. */
export interface GatedTraining {
  result: TrainResult;
  current: LoadedModel | null;
  decision: GateDecision;
  currentEvaluation: Evaluation | null;
}

/** Trains a candidate, scores the current model on the candidate's holdout, and decides (the evaluation gate). */
export async function trainAndGate(
  dataset: Dataset,
  options: {
    parameter: string;
    current: LoadedModel | null;
    force: boolean;
    outDir?: string;
    modelsDir: string;
    rounds: number;
    intervalLevel: number;
    refit: boolean;
    source: string;
  },
): Promise<GatedTraining> {
  const command = `pnpm airfill ${process.argv.slice(2).join(' ')}`;
  const result = await trainModel(dataset, {
    parameter: options.parameter,
    ...(options.outDir ? { outDir: options.outDir } : { modelsDir: options.modelsDir }),
    rounds: options.rounds,
    intervalLevel: options.intervalLevel,
    refit: options.refit,
    source: options.source,
    command,
    log: (message) => progressLine(`${options.parameter}: ${message}`),
  });
  endProgress();
  let currentEvaluation: Evaluation | null = null;
  if (options.current) {
    try {
      currentEvaluation = evaluateOnHoldout(options.current, dataset.sites, result.holdout);
    } catch (error) {
      // A current model made by an older feature version cannot be scored any more; it cannot block its successor.
      if (!(error instanceof FeatureContractError)) throw error;
      note(`note: current model ${options.current.version} cannot be scored by this version (${error.message}); the gate compares with the baselines`);
    }
  }
  const through = options.current?.metrics.training.through;
  const decision = decidePromotion(result.evaluation, currentEvaluation, {
    force: options.force,
    ...(through ? { currentSeenThrough: Date.parse(through) } : {}),
  });
  return { result, current: options.current, decision, currentEvaluation };
}
