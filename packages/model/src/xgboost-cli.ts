import { spawn, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrainingError, XgboostMissingError } from './errors';
import { writeLibsvm } from './libsvm';

/** Where the xgboost 1.7 command line lives: `$XGBOOST_BIN`, else `xgboost` on the PATH. */
export function xgboostCommand(): string {
  return process.env.XGBOOST_BIN ?? 'xgboost';
}

const INSTALL_HINT =
  'Training needs the xgboost 1.7 command line: on Debian/Ubuntu run `apt-get install -y xgboost` ' +
  '(scripts/setup.sh does it when run as root), or set XGBOOST_BIN. Scoring and `airfill impute` with the ' +
  'committed default model do not need it.';

/** True when the xgboost CLI can be started. */
export function hasXgboost(): boolean {
  const probe = spawnSync(xgboostCommand(), ['--help'], { stdio: 'ignore' });
  return !probe.error;
}

/** Throws a clear XgboostMissingError unless the CLI is installed. */
export function requireXgboost(): void {
  if (!hasXgboost()) throw new XgboostMissingError(`xgboost not found (${xgboostCommand()}). ${INSTALL_HINT}`);
}

/** The line of xgboost's stderr that says what went wrong (its last line is only "Use xgboost -h ..."). */
export function telling(stderr: string): string {
  const lines = stderr.trim().split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.find((line) => /error|check failed|cannot|invalid/i.test(line) && !/^Use xgboost -h/.test(line)) ?? lines.at(-1) ?? '';
}

/** Runs the CLI with a config file and key=value overrides; rejects with its stderr on failure. */
export async function runXgboost(workDir: string, config: Record<string, string | number>): Promise<void> {
  requireXgboost();
  const file = join(workDir, 'xgboost.conf');
  const text = Object.entries(config)
    .map(([key, value]) => `${key} = ${typeof value === 'string' && /[^\w.:-]/.test(value) ? JSON.stringify(value) : value}`)
    .join('\n');
  await writeFile(file, `${text}\n`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(xgboostCommand(), [file], { cwd: workDir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('error', (error) => reject(new XgboostMissingError(`xgboost could not start. ${INSTALL_HINT}`, {}, { cause: error })));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new TrainingError(`xgboost exited with code ${code}: ${telling(stderr)}`, { code, stderr }));
    });
  });
}

/** Booster parameters passed to the CLI (DESIGN section 5: pseudo-Huber on the residual). */
export type BoosterParams = Record<string, string | number>;

/**
 * Trains with the CLI on a matrix and labels; returns the model JSON text.
 * Data goes as LIBSVM so NaN cells are simply absent (missing), exactly as at scoring time.
 */
export async function trainWithCli(input: {
  workDir: string;
  values: Float64Array;
  rows: number;
  columns: number;
  labels: Float64Array;
  params: BoosterParams;
  rounds: number;
}): Promise<string> {
  const data = join(input.workDir, 'train.libsvm');
  await writeLibsvm(data, input.values, input.rows, input.columns, input.labels);
  return trainLibsvmWithCli({ workDir: input.workDir, dataPath: data, params: input.params, rounds: input.rounds });
}

/**
 * Trains with the CLI on a LIBSVM file (as `writeLibsvm` writes it); returns
 * the model JSON text. What the local training job runs.
 */
export async function trainLibsvmWithCli(input: { workDir: string; dataPath: string; params: BoosterParams; rounds: number }): Promise<string> {
  const modelOut = join(input.workDir, 'model.json');
  await runXgboost(input.workDir, {
    booster: 'gbtree',
    ...input.params,
    num_round: input.rounds,
    data: `${input.dataPath}?format=libsvm`,
    model_out: modelOut,
  });
  return readFile(modelOut, 'utf8');
}

/** xgboost's own predictions for a matrix (used to check the scorer and in the benchmark). */
export async function predictWithCli(input: {
  workDir: string;
  modelPath: string;
  values: Float64Array | Float32Array;
  rows: number;
  columns: number;
  /** Reuse an existing LIBSVM file instead of writing one. */
  dataPath?: string;
}): Promise<Float64Array> {
  const data = input.dataPath ?? join(input.workDir, 'predict.libsvm');
  if (!input.dataPath) await writeLibsvm(data, input.values, input.rows, input.columns, new Float64Array(input.rows));
  const out = join(input.workDir, 'pred.txt');
  await runXgboost(input.workDir, {
    task: 'pred',
    model_in: input.modelPath,
    'test:data': `${data}?format=libsvm`,
    name_pred: out,
  });
  const text = await readFile(out, 'utf8');
  return Float64Array.from(text.trim().split('\n'), Number);
}
