import path from 'node:path';
import { existsSync } from 'node:fs';
import { type Command } from 'commander';
import { DEFAULT_PARAMETER, DEFAULT_SENTINEL } from '@airfill/schema';
import { readReadingsCsv } from '@airfill/ingest';
import { getCurrentModel, promoteModel, registerModel, type OpenedDatabase } from '@airfill/db';
import {
  datasetFromReadings,
  decidePromotion,
  DEFAULT_MODEL_DIR,
  DEFAULT_ROUNDS,
  evaluateOnHoldout,
  formatEvaluationTable,
  loadModel,
  trainModel,
  type Dataset,
  type Evaluation,
  type GateDecision,
  type LoadedModel,
  type ReadingLike,
  type TrainResult,
  FeatureContractError,
} from '@airfill/model';
import { addDatabaseOptions, withDatabase, type DatabaseFlags } from '../database-options';
import { note, progressLine, endProgress } from '../output';
import { userPath } from '../paths';
import { BUNDLED_SAMPLE } from '../samples';
import { countFlag, levelFlag, numberFlag } from '../input-options';

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

/** The current model for a parameter: the registry's current one, else the committed default model if it predicts that parameter. */
export async function resolveCurrentModel(database: OpenedDatabase | null, parameter: string): Promise<LoadedModel | null> {
  const registered = database ? await getCurrentModel(database, parameter) : undefined;
  if (registered && existsSync(registered.artifactUri)) return loadModel(registered.artifactUri);
  if (registered) note(`note: current model ${registered.version} is registered at ${registered.artifactUri}, which is not here; using the default model`);
  if (!existsSync(path.join(DEFAULT_MODEL_DIR, 'model.json'))) return null;
  const fallback = await loadModel(DEFAULT_MODEL_DIR);
  return fallback.contract.parameter === parameter ? fallback : null;
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
    log: progressLine,
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

interface TrainFlags extends DatabaseFlags {
  csv?: string;
  parameter: string;
  out?: string;
  force?: boolean;
  rounds: number;
  intervalLevel: number;
  refit?: boolean;
  sentinel: number;
  json?: boolean;
}

/** `airfill train`: train, evaluate against the baselines, register, and promote through the gate. */
async function runTrain(flags: TrainFlags): Promise<void> {
  const csv = flags.csv ? userPath(flags.csv) : BUNDLED_SAMPLE;
  const dataset = await readDatasetCsv(csv, flags.sentinel);
  await withDatabase(flags, async (database) => {
    const current = await resolveCurrentModel(database, flags.parameter);
    const gated = await trainAndGate(dataset, {
      parameter: flags.parameter,
      current,
      force: flags.force ?? false,
      ...(flags.out ? { outDir: userPath(flags.out) } : {}),
      modelsDir: path.join(userPath(flags.dataDir), 'models'),
      rounds: flags.rounds,
      intervalLevel: flags.intervalLevel,
      refit: flags.refit ?? false,
      source: path.basename(csv),
    });
    const { model } = gated.result;
    await registerModel(database, {
      version: model.version,
      parameter: flags.parameter,
      artifactUri: model.dir,
      featureContract: model.contract,
      // The gate's decision travels with the metrics, so a forced promotion stays on record.
      metrics: { ...model.metrics, gate: gated.decision, comparedWith: gated.currentEvaluation?.table.model ?? null },
    });
    if (gated.decision.promote) await promoteModel(database, model.version);
    if (gated.decision.forced) note(`warning: ${gated.decision.reason}`);
    if (flags.json) {
      console.log(
        JSON.stringify({ model: model.version, dir: model.dir, table: gated.result.evaluation.table, current: gated.currentEvaluation?.table ?? null, gate: gated.decision }),
      );
      return;
    }
    console.log(formatEvaluationTable(gated.result.evaluation.table));
    if (gated.currentEvaluation) {
      const through = gated.current?.metrics.training.through;
      const seen = through !== undefined && Date.parse(through) > gated.result.holdout.from ? ` (it trained on data up to ${through}: flattered)` : '';
      console.log(`current model ${gated.currentEvaluation.table.model.version} on the same holdout: MAE ${gated.currentEvaluation.table.model.mae.toFixed(3)}${seen}`);
    }
    if (model.metrics.training.refit) console.log(`served model: the same recipe trained again on all the data (through ${model.metrics.training.through}); the scores above are of the fit without the holdout`);
    console.log(`gate: ${gated.decision.reason}`);
    console.log(gated.decision.promote ? `model ${model.version} is now current for ${flags.parameter}` : `model ${model.version} registered as a candidate (not promoted)`);
    console.log(`model files: ${model.dir}`);
  });
}

/** `airfill train [--csv <file>] [--parameter "PM 2.5"] [--out <dir>] [--force]` */
export function register(command: Command): void {
  addDatabaseOptions(
    command
      .option('--csv <file>', 'CSV file in the input contract (plain or .gz); default: the bundled sample')
      .option('--parameter <name>', 'parameter to predict', DEFAULT_PARAMETER)
      .option('--out <dir>', 'write the model here instead of <data-dir>/models/<version>')
      .option('--force', 'promote even if the candidate does not beat the current model (logged)')
      .option('--rounds <n>', 'boosting rounds', countFlag, DEFAULT_ROUNDS)
      .option('--interval-level <share>', 'nominal coverage of the prediction intervals', levelFlag, 0.9)
      .option(
        '--refit',
        'train the served model again on all the data once evaluated (the next training on the same data then cannot compare with it, so its gate compares with the baselines)',
      )
      .option('--sentinel <number>', 'value that means "no reading"', numberFlag, DEFAULT_SENTINEL)
      .option('--json', 'print the result as JSON'),
  ).action(runTrain);
}
