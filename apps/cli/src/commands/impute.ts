import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Command } from 'commander';
import { csvCell, DEFAULT_PARAMETER, DEFAULT_SENTINEL } from '@airfill/schema';
import { imputeMissing, loadModel, requireParameter, DEFAULT_ROUNDS, type ImputedValue, type LoadedModel } from '@airfill/model';
import { CliError } from '../errors';
import { note } from '../output';
import { userPath } from '../paths';
import { levelFlag, numberFlag } from '../input-options';
import { readDatasetCsv, resolveCurrentModel, trainAndGate } from '../model-training';

interface ImputeFlags {
  input: string;
  out: string;
  trainCsv?: string;
  model?: string;
  parameter: string;
  force?: boolean;
  intervalLevel: number;
  sentinel: number;
}

const rounded = (value: number | null) => (value === null ? '' : String(Math.round(value * 1e4) / 1e4));

/**
 * Writes `device_id,parameter,timestamp,value,lower,upper,model_version`
 * (lower/upper: the calibrated interval; empty for a model without one),
 * timestamps ISO 8601 with an explicit +00:00 offset.
 */
async function writePredictions(file: string, values: readonly ImputedValue[]): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const stream = createWriteStream(file);
  stream.write('device_id,parameter,timestamp,value,lower,upper,model_version\n');
  for (const value of values) {
    const timestamp = new Date(value.ts).toISOString().replace('Z', '+00:00');
    const line = [value.deviceId, value.parameter, timestamp, rounded(value.value), rounded(value.lower), rounded(value.upper), value.modelVersion]
      .map(csvCell)
      .join(',');
    if (!stream.write(`${line}\n`)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
}

/**
 * Picks the model: --model, else a fresh one trained on --train-csv, else the
 * default model. A fresh model is scored against the default model on its own
 * data's holdout and the better one overall fills the file: the default model
 * was trained on other data and is only a fallback, so the gate's stricter
 * stratum rule (which guards the registry) is reported, not applied.
 */
async function chooseModel(flags: ImputeFlags): Promise<LoadedModel> {
  if (flags.model) return loadModel(userPath(flags.model));
  const current = await resolveCurrentModel(null, flags.parameter);
  if (!flags.trainCsv) {
    if (!current) throw new CliError(`no model for ${flags.parameter}: pass --train-csv <file> to train one, or --model <dir>`);
    return current;
  }
  const trainCsv = userPath(flags.trainCsv);
  const dataset = await readDatasetCsv(trainCsv, flags.sentinel);
  const gated = await trainAndGate(dataset, {
    parameter: flags.parameter,
    current,
    force: flags.force ?? false,
    modelsDir: await mkdtemp(path.join(tmpdir(), 'airfill-models-')),
    rounds: DEFAULT_ROUNDS,
    intervalLevel: flags.intervalLevel,
    // A one-off fill: the chosen recipe then learns from the whole file, its most recent weeks included.
    refit: true,
    source: path.basename(trainCsv),
  });
  note(`gate: ${gated.decision.reason}`);
  const candidateMae = gated.result.evaluation.table.model.mae;
  const currentMae = gated.currentEvaluation?.table.model.mae;
  if (!current || currentMae === undefined || gated.decision.promote || candidateMae <= currentMae) return gated.result.model;
  note(`using ${current.version}: its MAE on this data's holdout (${currentMae.toFixed(3)}) is lower than the new model's (${candidateMae.toFixed(3)})`);
  return current;
}

/** `airfill impute`: fill every missing value of the parameter in a CSV file, without a database. */
async function runImpute(flags: ImputeFlags): Promise<void> {
  const model = await chooseModel(flags);
  if (model.contract.parameter !== flags.parameter) {
    throw new CliError(`model ${model.version} predicts ${model.contract.parameter}, not ${flags.parameter}`);
  }
  const dataset = await readDatasetCsv(userPath(flags.input), flags.sentinel);
  requireParameter(dataset, flags.parameter);
  const started = Date.now();
  const values = imputeMissing(dataset, model);
  const out = userPath(flags.out);
  await writePredictions(out, values);
  console.log(
    `filled ${values.length.toLocaleString('en-US')} missing ${flags.parameter} value(s) of ${dataset.sites.length} sensor(s) ` +
      `with model ${model.version} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${out}`,
  );
}

/** `airfill impute --input <file.csv> --out <pred.csv> [--train-csv <file.csv>] [--parameter "PM 2.5"]` */
export function register(command: Command): void {
  command
    .requiredOption('--input <file>', 'CSV file in the input contract (plain or .gz)')
    .requiredOption('--out <file>', 'where to write device_id,parameter,timestamp,value,lower,upper,model_version')
    .option('--train-csv <file>', 'first train a model on this file (it is used if it passes the gate)')
    .option('--model <dir>', 'use this model directory; default: the committed default model')
    .option('--parameter <name>', 'parameter to fill', DEFAULT_PARAMETER)
    .option('--force', 'with --train-csv: use the new model even if it does not beat the current one')
    .option('--interval-level <share>', 'with --train-csv: nominal coverage of the intervals', levelFlag, 0.9)
    .option('--sentinel <number>', 'value that means "no reading"', numberFlag, DEFAULT_SENTINEL)
    .action(async (flags: ImputeFlags) => {
      await runImpute(flags);
    });
}
