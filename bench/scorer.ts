/**
 * Scorer speed: the TypeScript XGBoost scorer against xgboost's own CLI
 * (`task=pred`) on the same model and the same 1,000,000 feature rows.
 *
 *   pnpm bench:scorer [--rows 1000000] [--model <dir>]
 *
 * The model is the committed default model. Rows are drawn per column from
 * the model's own split thresholds (jittered, 10% NaN), so every tree is
 * walked along varied paths and default directions, as with real features.
 * The CLI's time includes reading its input file, as it does in use; the
 * TypeScript time includes converting the matrix to float32. xgboost uses
 * every core by default, so the headline ratio is against the TypeScript
 * scorer on worker threads (one per core); the one-thread figure is printed too.
 * The machine is shared: run it a few times and read the ratio, not one figure.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { compileForest, DEFAULT_MODELS_DIR, hasXgboost, predictForest, predictForestParallel, predictWithCli, seededRandom, writeLibsvm } from '@airfill/model';

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const rows = Number(flag('rows', '1000000'));
  const modelDir = flag('model', join(DEFAULT_MODELS_DIR, 'pm25'));
  const modelPath = join(modelDir, 'model.json');
  const forest = compileForest(JSON.parse(await readFile(modelPath, 'utf8')));
  const contract = JSON.parse(await readFile(join(modelDir, 'contract.json'), 'utf8')) as { columns: string[] };
  const columns = contract.columns.length;

  // Thresholds per column, to draw values the trees actually distinguish.
  const thresholds: number[][] = Array.from({ length: columns }, () => []);
  for (let node = 0; node < forest.left.length; node += 1) {
    if (forest.left[node] !== -1) thresholds[forest.feature[node] as number]?.push(forest.threshold[node] as number);
  }
  const random = seededRandom(42);
  const values = new Float64Array(rows * columns);
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1) {
      const list = thresholds[column] as number[];
      const pick = list.length > 0 ? (list[Math.floor(random() * list.length)] as number) : random();
      values[row * columns + column] = random() < 0.1 ? NaN : pick * (0.9 + 0.2 * random());
    }
  }
  const nodes = forest.left.length;
  console.log(`model: ${forest.roots.length} trees, ${nodes} nodes, ${columns} features; ${rows.toLocaleString('en-US')} rows`);

  // Warm up the JIT on a slice, then time the whole batch.
  predictForest(forest, values.subarray(0, 10_000 * columns), 10_000, columns);
  const tsStart = process.hrtime.bigint();
  const ours = predictForest(forest, values, rows, columns);
  const tsSeconds = Number(process.hrtime.bigint() - tsStart) / 1e9;
  const singleRate = rows / tsSeconds;
  console.log(`TypeScript scorer, 1 thread: ${tsSeconds.toFixed(2)} s, ${Math.round(singleRate).toLocaleString('en-US')} rows/s`);
  const threads = availableParallelism();
  const parallelStart = process.hrtime.bigint();
  const parallel = await predictForestParallel(forest, values, rows, columns, threads);
  const parallelSeconds = Number(process.hrtime.bigint() - parallelStart) / 1e9;
  const tsRate = rows / parallelSeconds;
  console.log(`TypeScript scorer, ${threads} worker threads: ${parallelSeconds.toFixed(2)} s, ${Math.round(tsRate).toLocaleString('en-US')} rows/s`);
  if (parallel.some((value, row) => value !== ours[row])) throw new Error('parallel and single-thread scores differ');

  if (!hasXgboost()) {
    console.log('xgboost CLI not found (apt-get install -y xgboost): no ratio');
    return;
  }
  const workDir = await mkdtemp(join(tmpdir(), 'airfill-bench-scorer-'));
  try {
    const dataPath = join(workDir, 'rows.libsvm');
    await writeLibsvm(dataPath, values, rows, columns, new Float64Array(rows));
    const size = (await stat(dataPath)).size;
    const cliStart = process.hrtime.bigint();
    const theirs = await predictWithCli({ workDir, modelPath, values, rows, columns, dataPath });
    const cliSeconds = Number(process.hrtime.bigint() - cliStart) / 1e9;
    const cliRate = rows / cliSeconds;
    let worst = 0;
    let differing = 0;
    for (let row = 0; row < rows; row += 1) {
      const difference = Math.abs((ours[row] as number) - (theirs[row] as number));
      worst = Math.max(worst, difference);
      if (difference > 1e-4) differing += 1;
    }
    console.log(
      `xgboost CLI (task=pred, ${(size / 1e6).toFixed(0)} MB LIBSVM input, nthread default): ${cliSeconds.toFixed(2)} s, ${Math.round(cliRate).toLocaleString('en-US')} rows/s`,
    );
    console.log(`largest difference between the two: ${worst.toExponential(2)}; rows differing by more than 1e-4: ${differing}`);
    console.log(`ratio TypeScript (${threads} threads) / xgboost CLI (all cores): ${(tsRate / cliRate).toFixed(2)}x (target: >= 1)`);
    console.log(`ratio TypeScript (1 thread) / xgboost CLI (all cores): ${(singleRate / cliRate).toFixed(2)}x`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
