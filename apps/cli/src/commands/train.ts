import path from 'node:path';
import { type Command } from 'commander';
import { DEFAULT_SENTINEL } from '@airfill/schema';
import { promoteModel, registerModel, type OpenedDatabase } from '@airfill/db';
import {
  DataError,
  DEFAULT_ROUNDS,
  formatEvaluationTable,
  isModelSet,
  ModelError,
  modelFolderName,
  readModelSet,
  requireParameter,
  trainableParameters,
  writeModelSet,
  XgboostMissingError,
  type Dataset,
  type ModelSetEntry,
} from '@airfill/model';
import { addDatabaseOptions, withDatabase, type DatabaseFlags } from '../database-options';
import { EXIT } from '../errors';
import { readDatasetCsv, resolveCurrentModel, trainAndGate, type GatedTraining } from '../model-training';
import { formatTable, note } from '../output';
import { userPath } from '../paths';
import { BUNDLED_SAMPLE } from '../samples';
import { countFlag, levelFlag, numberFlag } from '../input-options';

interface TrainFlags extends DatabaseFlags {
  csv?: string;
  parameter?: string;
  out?: string;
  force?: boolean;
  rounds: number;
  intervalLevel: number;
  refit?: boolean;
  sentinel: number;
  json?: boolean;
}

/** Where each parameter's model is written: a directory of its own, a model set's folder, or the registry's models folder. */
interface Destination {
  outDir(parameter: string): string | undefined;
  /** The model set to list the trained models in (`manifest.json`), if any. */
  set?: string;
}

/**
 * `--out` names the model's directory when one parameter is trained into a
 * folder that is not a model set; otherwise a model set: one folder per
 * parameter and a manifest (kept for the parameters not trained now).
 */
function destination(flags: TrainFlags, parameters: readonly string[]): Destination {
  if (!flags.out) return { outDir: () => undefined };
  const out = userPath(flags.out);
  if (flags.parameter && parameters.length === 1 && !isModelSet(out)) return { outDir: () => out };
  return { outDir: (parameter) => path.join(out, modelFolderName(parameter)), set: out };
}

/** One parameter trained, gated, registered, and promoted if the gate says so. */
async function trainParameter(database: OpenedDatabase, dataset: Dataset, parameter: string, flags: TrainFlags, where: Destination, source: string): Promise<GatedTraining> {
  const current = await resolveCurrentModel(database, parameter);
  const outDir = where.outDir(parameter);
  const gated = await trainAndGate(dataset, {
    parameter,
    current,
    force: flags.force ?? false,
    ...(outDir ? { outDir } : {}),
    modelsDir: path.join(userPath(flags.dataDir), 'models'),
    rounds: flags.rounds,
    intervalLevel: flags.intervalLevel,
    refit: flags.refit ?? false,
    source,
  });
  const { model } = gated.result;
  await registerModel(database, {
    version: model.version,
    parameter,
    artifactUri: model.dir,
    featureContract: model.contract,
    // The gate's decision travels with the metrics, so a forced promotion stays on record.
    metrics: { ...model.metrics, gate: gated.decision, comparedWith: gated.currentEvaluation?.table.model ?? null },
  });
  if (gated.decision.promote) await promoteModel(database, model.version);
  if (gated.decision.forced) note(`warning: ${parameter}: ${gated.decision.reason}`);
  return gated;
}

/** What `train` prints for one parameter: the evaluation table, the current model on the same holdout, the gate. */
function describe(gated: GatedTraining): string {
  const { model } = gated.result;
  const lines = [formatEvaluationTable(gated.result.evaluation.table)];
  if (gated.currentEvaluation) {
    const through = gated.current?.metrics.training.through;
    const seen = through !== undefined && Date.parse(through) > gated.result.holdout.from ? ` (it trained on data up to ${through}: flattered)` : '';
    lines.push(`current model ${gated.currentEvaluation.table.model.version} on the same holdout: MAE ${gated.currentEvaluation.table.model.mae.toFixed(3)}${seen}`);
  }
  if (model.metrics.training.refit) lines.push(`served model: the same recipe trained again on all the data (through ${model.metrics.training.through}); the scores above are of the fit without the holdout`);
  lines.push(`gate: ${gated.decision.reason}`);
  lines.push(gated.decision.promote ? `model ${model.version} is now current for ${model.contract.parameter}` : `model ${model.version} registered as a candidate (not promoted)`);
  lines.push(`model files: ${model.dir}`);
  return lines.join('\n');
}

/** The summary over every parameter trained: the model against linear interpolation on its holdout, its coverage, the gate. */
function summary(trained: readonly GatedTraining[]): string {
  return formatTable(
    ['parameter', 'values', 'model MAE', 'linear MAE', 'gain', 'coverage', 'gate'],
    trained.map(({ result, decision }) => {
      const { table } = result.evaluation;
      return [
        table.parameter,
        table.holdout.count,
        table.model.mae.toFixed(3),
        table.baselines.linear.mae.toFixed(3),
        `${(100 * (1 - table.model.mae / table.baselines.linear.mae)).toFixed(1)}%`,
        table.intervals ? table.intervals.overall.coverage.toFixed(3) : '-',
        decision.promote ? (decision.forced ? 'promoted (forced)' : 'promoted') : 'candidate',
      ];
    }),
  );
}

/** `airfill train`: per parameter, train, evaluate against the baselines, register, and promote through the gate. Returns the exit code. */
async function runTrain(flags: TrainFlags): Promise<number> {
  const csv = flags.csv ? userPath(flags.csv) : BUNDLED_SAMPLE;
  const dataset = await readDatasetCsv(csv, flags.sentinel);
  let parameters: string[];
  const notTrained: { parameter: string; reason: string }[] = [];
  if (flags.parameter) {
    requireParameter(dataset, flags.parameter);
    parameters = [flags.parameter];
  } else {
    const { trainable, tooLittle } = trainableParameters(dataset);
    parameters = trainable;
    notTrained.push(...tooLittle.map(({ parameter, reason }) => ({ parameter, reason })));
    if (parameters.length === 0) throw new DataError(`no parameter of ${path.basename(csv)} has enough data to train on: ${tooLittle.map((entry) => `${entry.parameter}: ${entry.reason}`).join('; ')}`);
    note(`training a model for each of ${parameters.length} parameter(s): ${parameters.join(', ')}`);
  }
  const where = destination(flags, parameters);
  const trained: GatedTraining[] = [];
  await withDatabase(flags, async (database) => {
    for (const parameter of parameters) {
      try {
        trained.push(await trainParameter(database, dataset, parameter, flags, where, path.basename(csv)));
      } catch (error) {
        // Training every parameter: one that cannot be trained (too little data, a failed training job) never costs the others their models.
        if (flags.parameter || error instanceof XgboostMissingError || !(error instanceof ModelError)) throw error;
        notTrained.push({ parameter, reason: error.message });
        note(`${parameter}: not trained: ${error.message}`);
      }
    }
  });
  if (where.set && trained.length > 0) {
    const kept = isModelSet(where.set) ? (await readModelSet(where.set)).filter((entry) => !trained.some((done) => done.result.model.contract.parameter === entry.parameter)) : [];
    const fresh: ModelSetEntry[] = trained.map(({ result }) => ({ parameter: result.model.contract.parameter, dir: result.model.dir, version: result.model.version }));
    await writeModelSet(where.set, [...kept, ...fresh]);
  }
  if (flags.json) {
    const models = trained.map((gated) => ({
      parameter: gated.result.model.contract.parameter,
      model: gated.result.model.version,
      dir: gated.result.model.dir,
      table: gated.result.evaluation.table,
      current: gated.currentEvaluation?.table ?? null,
      gate: gated.decision,
    }));
    console.log(JSON.stringify({ models, notTrained }));
  } else {
    console.log(trained.map((gated) => describe(gated)).join('\n\n'));
    if (trained.length > 1 || notTrained.length > 0) {
      console.log(`\nevery parameter (its model against linear interpolation on its own holdout):\n${summary(trained)}`);
      for (const { parameter, reason } of notTrained) console.log(`${parameter}: not trained (${reason})`);
    }
    if (where.set) console.log(`model set: ${where.set} (manifest.json lists one model per parameter)`);
  }
  return notTrained.length > 0 ? EXIT.rejected : EXIT.ok;
}

/** `airfill train [--csv <file>] [--parameter "PM 2.5"] [--out <dir>] [--force]` */
export function register(command: Command): void {
  addDatabaseOptions(
    command
      .option('--csv <file>', 'CSV file in the input contract (plain or .gz); default: the bundled sample')
      .option('--parameter <name>', 'train a model for this parameter only; default: every parameter with enough observed data')
      .option('--out <dir>', 'write the model here (one parameter), or a model set with a folder per parameter, instead of <data-dir>/models/<version>')
      .option('--force', 'promote even if the candidate does not beat the current model (logged)')
      .option('--rounds <n>', 'boosting rounds', countFlag, DEFAULT_ROUNDS)
      .option('--interval-level <share>', 'nominal coverage of the prediction intervals', levelFlag, 0.9)
      .option(
        '--refit',
        'train the served model again on all the data once evaluated (the next training on the same data then cannot compare with it, so its gate compares with the baselines)',
      )
      .option('--sentinel <number>', 'value that means "no reading"', numberFlag, DEFAULT_SENTINEL)
      .option('--json', 'print the result as JSON: { models: [...per parameter], notTrained: [...] }'),
  ).action(async (flags: TrainFlags) => {
    process.exitCode = await runTrain(flags);
  });
}
