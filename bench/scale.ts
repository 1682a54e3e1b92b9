/**
 * Benchmark: how the whole local pipeline grows with the network. For each
 * size, an `airfill synth` network of N sensors x 1 year hourly x 2
 * parameters (PM 2.5, PM 10; ~15% missing) is loaded and backfilled
 * (`airfill backfill`: each parameter cut into chunks of at most a chunk of
 * missing readings, filled two at a time, each a run of its own) on a fresh
 * embedded PostgreSQL, each
 * size in a process of its own so its peak memory is its own. Prints time
 * per step, readings per second, the peak RSS of the Node process and the
 * peak memory of PostgreSQL (postmaster and backends, PSS so shared buffers
 * count once), the Node peak by state (which step holds the memory), and
 * the time per reading against the smallest size.
 * Targets (issue 16): time grows at most linearly with readings; 1,000
 * sensors fill in under 15 minutes with peak Node RSS under 1.5 GB.
 *   pnpm bench:scale [sizes, default 100,300] [--days 365] [--chunk 100000]
 *   pnpm bench:scale 100,300,1000     # the issue's full run (17.5 million readings)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backfillLocally, writeSynthCsv } from '@airfill/local';
import { benchServer, verdict } from './lib/bench-database';
import { machineLoad } from './lib/cpu';
import { samplePeak, serverMemoryMb } from './lib/memory';

const PARAMETERS = ['PM 2.5', 'PM 10'];
const TARGET_SECONDS_1000 = 15 * 60;
const TARGET_NODE_MB = 1536;

/** What one size measured (the child's one JSON line). */
interface SizeResult {
  sensors: number;
  readings: number;
  missing: number;
  unfilled: number;
  executions: number;
  /** Chunks' runs over every execution and parameter. */
  chunks: number;
  outcome: string;
  steps: { step: string; seconds: number }[];
  seconds: number;
  nodePeakMb: number;
  serverPeakMb: number;
  /** Peak Node RSS while each kind of state was the last one entered (states of parameters running side by side share the time). */
  nodePeakByState: Record<string, number>;
}

/** States sampled apart (the others count for the one entered before them); before the first: the load. */
const PHASE_STATES = new Set(['QualityCheck', 'PlanParameters', 'QueryMissing', 'StartTransform', 'WritePredictions']);

/** Samples this process's RSS every `everyMs`, keeping the peak per phase (`enter` switches the phase). */
function peakByPhase(first: string, everyMs = 250): { enter(phase: string): void; stop(): Record<string, number> } {
  const peaks: Record<string, number> = {};
  let phase = first;
  const sample = () => {
    const mb = process.memoryUsage.rss() / 1024 / 1024;
    peaks[phase] = Math.max(peaks[phase] ?? 0, mb);
  };
  const timer = setInterval(sample, everyMs);
  return {
    enter(next) {
      sample();
      phase = next;
    },
    stop() {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}

function flag(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

/** Runs one size in this process and prints its figures as one JSON line. */
async function measureOne(sensors: number, days: number, chunk: number): Promise<void> {
  const outDir = path.join(__dirname, '.out');
  mkdirSync(outDir, { recursive: true });
  const csv = path.join(outDir, `scale-${sensors}x${days}-pm.csv.gz`);
  if (!existsSync(csv)) await writeSynthCsv(csv, { sensors, days, parameters: PARAMETERS, missing: 0.15, seed: 16 });
  const server = await benchServer();
  const database = await server.database(`scale${sensors}`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'airfill-bench-scale-'));
  const postmaster = server.embedded?.pid;
  const serverPeak = samplePeak(() => (postmaster ? serverMemoryMb(postmaster) : 0), 1000);
  try {
    const phases = peakByPhase('load CSV');
    const result = await backfillLocally({
      dataDir,
      database,
      csv,
      keepObjects: false,
      chunkReadings: chunk,
      onPipelineProgress: (event) => {
        if (event.kind === 'state' && event.phase === 'entered' && PHASE_STATES.has(event.state)) phases.enter(event.state);
      },
    });
    const figures: SizeResult = {
      sensors,
      readings: result.status.readings,
      missing: result.status.missing,
      unfilled: result.status.unfilled,
      executions: result.passes.length,
      chunks: result.passes.reduce((sum, pass) => sum + pass.parameters.reduce((runs, parameter) => runs + parameter.chunks, 0), 0),
      outcome: result.outcome,
      steps: result.steps.map((step) => ({ step: step.step, seconds: step.ms / 1000 })),
      seconds: result.ms / 1000,
      nodePeakMb: process.resourceUsage().maxRSS / 1024,
      serverPeakMb: serverPeak.stop(),
      nodePeakByState: phases.stop(),
    };
    console.log(JSON.stringify(figures));
  } finally {
    await database.dispose();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const pad = (text: string | number, width: number) => String(text).padStart(width);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const days = flag(args, '--days', 365);
  // What `airfill backfill` uses by default: the bench measures what users run.
  const chunk = flag(args, '--chunk', 100_000);
  const one = args.indexOf('--one');
  if (one >= 0) return measureOne(Number(args[one + 1]), days, chunk);

  const sizes = (args.find((arg) => /^\d+(,\d+)*$/.test(arg)) ?? '100,300').split(',').map(Number);
  console.log(`${sizes.join(', ')} sensors x ${days} days x ${PARAMETERS.join(' + ')}, chunks of at most ${chunk.toLocaleString('en-US')} missing readings; ${machineLoad()}`);
  const results: SizeResult[] = [];
  for (const sensors of sizes) {
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--one', String(sensors), '--days', String(days), '--chunk', String(chunk)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = child.stdout.trim().split('\n').filter((text) => text.startsWith('{')).at(-1);
    if (child.status !== 0 || !line) throw new Error(`the ${sensors}-sensor run failed (exit ${child.status}):\n${child.stdout}`);
    const result = JSON.parse(line) as SizeResult;
    results.push(result);
    console.log(`\n${sensors} sensors: ${result.readings.toLocaleString('en-US')} readings, ${result.missing.toLocaleString('en-US')} missing, ${result.executions} execution(s) of ${result.chunks} chunk(s), ${result.outcome}, ${result.unfilled} still missing`);
    for (const step of result.steps) console.log(`  ${step.step.padEnd(40)} ${pad(step.seconds.toFixed(1), 8)} s`);
    console.log(`  ${'total'.padEnd(40)} ${pad(result.seconds.toFixed(1), 8)} s; peak RSS Node ${result.nodePeakMb.toFixed(0)} MB, PostgreSQL ${result.serverPeakMb.toFixed(0)} MB`);
    const byState = Object.entries(result.nodePeakByState).map(([state, mb]) => `${state} ${mb.toFixed(0)}`);
    console.log(`  peak Node RSS (MB) while each state was the last entered: ${byState.join(', ')}`);
  }

  const base = results[0]!;
  const perReading = (result: SizeResult) => result.seconds / result.readings;
  console.log(`\nsensors    readings   seconds  readings/s  us/reading  vs ${base.sensors}  Node MB  PostgreSQL MB`);
  for (const result of results) {
    console.log(
      `${pad(result.sensors, 7)}  ${pad(result.readings.toLocaleString('en-US'), 10)}  ${pad(result.seconds.toFixed(1), 8)}  ${pad(Math.round(result.readings / result.seconds).toLocaleString('en-US'), 10)}  ${pad((1e6 * perReading(result)).toFixed(1), 10)}  ${pad(`${(perReading(result) / perReading(base)).toFixed(2)}x`, 6)}  ${pad(result.nodePeakMb.toFixed(0), 7)}  ${pad(result.serverPeakMb.toFixed(0), 13)}`,
    );
  }
  console.log(`(${machineLoad()})\n`);
  const linear = results.every((result) => perReading(result) <= 1.25 * perReading(base));
  const filled = results.every((result) => result.unfilled === 0 && result.outcome === 'done');
  const ok = [
    verdict(`time grows at most linearly with readings (time per reading within 1.25x of the ${base.sensors}-sensor run at every size)`, linear),
    verdict('every size filled (nothing left missing)', filled),
  ];
  const largest = results.find((result) => result.sensors === 1000);
  if (largest) {
    ok.push(verdict(`1,000 sensors in ${largest.seconds.toFixed(0)} s (target < ${TARGET_SECONDS_1000} s)`, largest.seconds < TARGET_SECONDS_1000));
    ok.push(verdict(`1,000 sensors with peak Node RSS ${largest.nodePeakMb.toFixed(0)} MB (target < ${TARGET_NODE_MB} MB)`, largest.nodePeakMb < TARGET_NODE_MB));
  } else {
    console.log('(the 1,000-sensor target is checked when 1000 is among the sizes: pnpm bench:scale 100,300,1000)');
  }
  process.exitCode = ok.every(Boolean) ? 0 : 1;
}

void main();
