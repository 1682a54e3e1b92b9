import path from 'node:path';
import { type Command } from 'commander';
import { DEFAULT_PARAMETER, DEFAULT_SENTINEL } from '@airfill/schema';
import { DEFAULT_MODELS_DIR, drawHoldout, evaluateOnHoldout, formatEvaluationTable, loadModel, loadModelFromSet, requireParameter } from '@airfill/model';
import { CliError } from '../errors';
import { note } from '../output';
import { userPath } from '../paths';
import { countFlag, numberFlag } from '../input-options';
import { readDatasetCsv } from '../model-training';

interface EvaluateFlags {
  csv: string;
  model?: string;
  parameter?: string;
  fraction: number;
  share: number;
  seed: number;
  repeats: number;
  sentinel: number;
  json?: boolean;
}

/** `airfill evaluate`: mask observed values in the latest time range, predict them, print the metrics table. */
async function runEvaluate(flags: EvaluateFlags): Promise<void> {
  const given = flags.model ? await loadModel(userPath(flags.model)) : undefined;
  const parameter = flags.parameter ?? given?.contract.parameter ?? DEFAULT_PARAMETER;
  const model = given ?? (await loadModelFromSet(parameter, DEFAULT_MODELS_DIR));
  if (!model) throw new CliError(`no default model predicts ${parameter}; pass --model with a ${parameter} model (airfill train --parameter "${parameter}" --out <dir> makes one)`);
  if (parameter !== model.contract.parameter) {
    throw new CliError(`model ${model.version} predicts ${model.contract.parameter}, not ${parameter}; pass --model with a ${parameter} model`);
  }
  const dataset = await readDatasetCsv(userPath(flags.csv), flags.sentinel);
  requireParameter(dataset, parameter);
  const holdout = drawHoldout(dataset, parameter, { fraction: flags.fraction, share: flags.share, seed: flags.seed, repeats: flags.repeats });
  if (holdout.draws.every((draw) => draw.targets.length === 0)) throw new CliError(`no observed ${parameter} values in the holdout range to mask`);
  const { table } = evaluateOnHoldout(model, dataset.sites, holdout);
  const trainedOn = model.metrics.training.source;
  const through = model.metrics.training.through ?? model.metrics.holdout.from;
  if (trainedOn && path.basename(flags.csv) === trainedOn && holdout.from < Date.parse(through)) {
    note(`note: ${model.version} was trained on ${trainedOn} up to ${through}, after this holdout's start: these scores flatter it`);
  }
  if (!model.calibration) note(`note: ${model.version} has no interval calibration (made before intervals); no coverage to report`);
  if (flags.json) console.log(JSON.stringify(table));
  else console.log(formatEvaluationTable(table));
}

/** `airfill evaluate --csv <file.csv> [--model <dir>] [--json]` */
export function register(command: Command): void {
  command
    .requiredOption('--csv <file>', 'CSV file in the input contract (plain or .gz)')
    .option('--model <dir>', 'model directory (model.json, contract.json, metrics.json); default: the committed default model of the parameter')
    .option('--parameter <name>', `parameter to evaluate (default: ${DEFAULT_PARAMETER}, or the --model's)`)
    .option('--fraction <share>', 'share of the time span, at the end, held out', numberFlag, 0.2)
    .option('--share <share>', 'share of the held-out observed values each mask hides', numberFlag, 0.15)
    .option('--seed <n>', 'seed of the masks (same seed, same holdout)', numberFlag, 7)
    .option('--repeats <n>', 'independent masks scored together', countFlag, 3)
    .option('--sentinel <number>', 'value that means "no reading"', numberFlag, DEFAULT_SENTINEL)
    .option('--json', 'print the table as JSON')
    .action(async (flags: EvaluateFlags) => {
      await runEvaluate(flags);
    });
}
