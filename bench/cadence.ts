/**
 * Benchmark: a network reporting every 2 minutes, filled by the same code as
 * an hourly one. `airfill synth --step-minutes 2` writes the network (PM 2.5
 * only; outages as long in hours as an hourly network's, 30 times the
 * readings), then three `airfill` processes on one embedded database, as a
 * user runs them:
 *   1. `airfill load`: the readings into PostgreSQL;
 *   2. `airfill train --parameter "PM 2.5"`: a model on the data's own
 *      cadence (the committed hourly model refuses 2-minute data), its
 *      holdout table (model against linear interpolation, by gap length in
 *      hours, with the 90% intervals' coverage), registered as current when it
 *      passes the gate;
 *   3. `airfill run`: the fill of every missing value with it.
 * Prints the wall time and the peak RSS (Node; PostgreSQL not counted) of each
 * process, the holdout table and the target: the model beats linear
 * interpolation on its holdout.
 *
 *   pnpm bench:cadence [sensors] [days] [--step-minutes 2]
 *
 * Default 20 sensors x 7 days (201,600 readings); the issue's size is
 * `pnpm bench:cadence 100 30` (2,160,000 readings).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeSynthCsv } from '@airfill/local';
import { formatEvaluationTable, type EvaluationTable } from '@airfill/model';
import { machineLoad } from './lib/cpu';

const CLI = path.join(__dirname, '..', 'apps', 'cli', 'src', 'main.ts');
const TIME = '/usr/bin/time';

interface Step {
  name: string;
  seconds: number;
  peakRssMb: number | null;
  stdout: string;
}

/** Runs `airfill <args>` as its own process; wall time and, where GNU time is installed, peak RSS. */
function airfill(name: string, args: string[], cwd: string): Step {
  const rssFile = path.join(cwd, `${name}.rss`);
  const withTime = existsSync(TIME);
  const command = withTime ? TIME : process.execPath;
  const argv = [...(withTime ? ['-f', '%M', '-o', rssFile, process.execPath] : []), '--import', 'tsx', CLI, ...args];
  const started = performance.now();
  const result = spawnSync(command, argv, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`airfill ${args.join(' ')} exited ${result.status}`);
  const peakKb = withTime && existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : NaN;
  const step = { name, seconds, peakRssMb: Number.isFinite(peakKb) ? peakKb / 1024 : null, stdout: result.stdout };
  // As each step ends, so a run stopped later still has its figures.
  console.error(`[bench] ${describeStep(step)}; ${machineLoad()}`);
  return step;
}

function describeStep(step: Step): string {
  return `${`airfill ${step.name}`.padEnd(24)} ${step.seconds.toFixed(1).padStart(8)} s  ${step.peakRssMb === null ? 'n/a (no GNU time)' : `${step.peakRssMb.toFixed(0).padStart(6)} MB`}`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'step-minutes': { type: 'string', default: '2' } } });
  const sensors = Number(positionals[0] ?? 20);
  const days = Number(positionals[1] ?? 7);
  const stepMinutes = Number(values['step-minutes']);
  const work = path.join(__dirname, '.out', `cadence-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true, mode: 0o755 });
  const csv = path.join(work, 'network.csv');
  try {
    const started = performance.now();
    const summary = await writeSynthCsv(csv, { sensors, days, stepMinutes, parameters: ['PM 2.5'], seed: 1 });
    const synthSeconds = (performance.now() - started) / 1000;
    console.log(
      `network: ${sensors} sensors x ${days} days, a reading every ${stepMinutes} min: ${summary.rows.toLocaleString('en-US')} PM 2.5 readings, ` +
        `${summary.missing.toLocaleString('en-US')} missing (${((100 * summary.missing) / summary.rows).toFixed(1)}%); written in ${synthSeconds.toFixed(1)} s; ${machineLoad()}`,
    );
    if (sensors < 100 || days < 30) console.log('(the issue\'s size: pnpm bench:cadence 100 30)');

    const data = ['--data-dir', path.join(work, 'data')];
    const load = airfill('load', ['load', csv, ...data], work);
    const train = airfill('train', ['train', '--csv', csv, '--parameter', 'PM 2.5', '--json', ...data], work);
    const run = airfill('run', ['run', '--json', ...data], work);

    const trained = JSON.parse(train.stdout) as { models: { table: EvaluationTable; gate: { promote: boolean; reason: string } }[] };
    const model = trained.models[0];
    if (!model) throw new Error(`no model trained: ${train.stdout}`);
    const filled = JSON.parse(run.stdout) as { totals: { filledNow: number; unfilled: number } };
    console.log(`\n${formatEvaluationTable(model.table)}`);
    console.log(`\ngate: ${model.gate.reason}`);
    console.log(`fill: ${filled.totals.filledNow.toLocaleString('en-US')} values filled, ${filled.totals.unfilled.toLocaleString('en-US')} left unfilled`);

    console.log('\nstep                        time     peak RSS (Node)');
    for (const step of [load, train, run]) console.log(describeStep(step));
    const { mae } = model.table.model;
    const linear = model.table.baselines.linear.mae;
    const coverage = model.table.intervals?.overall.coverage ?? NaN;
    console.log(`\ntarget: the model beats linear interpolation on its holdout: MAE ${mae.toFixed(2)} vs ${linear.toFixed(2)} (ratio ${(mae / linear).toFixed(3)}): ${mae < linear ? 'met' : 'NOT met'}`);
    console.log(`intervals: ${(100 * coverage).toFixed(1)}% of held-out truths inside the nominal ${(100 * (model.table.intervals?.level ?? NaN)).toFixed(0)}%`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
