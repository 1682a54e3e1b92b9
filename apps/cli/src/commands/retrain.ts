import path from 'node:path';
import type { Command } from 'commander';
import { listParameters } from '@airfill/db';
import { runTraining, startLocalRuntime, type TrainingExecution, type TrainingProgress } from '@airfill/local';
import { DEFAULT_ROUNDS } from '@airfill/model';
import { addDatabaseOptions, withDatabase, type DatabaseFlags } from '../database-options';
import { CliError, EXIT } from '../errors';
import { countFlag } from '../input-options';
import { endProgress, formatTable, note, progressLine } from '../output';
import { userPath } from '../paths';

interface RetrainFlags extends DatabaseFlags {
  parameter?: string[];
  rounds: number;
  windowDays: number;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** One line of progress per state and training job. */
function progress(parameter: string) {
  return (event: TrainingProgress) => {
    if (event.kind === 'job') progressLine(`${parameter}: training job ${event.job.replace(/^.*-/, '')} ${event.status.toLowerCase()} (${(event.ms / 1000).toFixed(1)} s)`);
    else if (event.phase === 'entered') progressLine(`${parameter}: ${event.state}`);
  };
}

/** What retrain prints for one parameter. */
function row(parameter: string, execution: TrainingExecution): (string | number)[] {
  const { evaluation, registered } = execution;
  if (execution.status === 'failed') return [parameter, '-', '-', '-', `failed: ${execution.error?.name}: ${execution.error?.cause.split('\n')[0]}`];
  return [
    parameter,
    registered?.version ?? '-',
    evaluation ? evaluation.mae.toFixed(3) : '-',
    evaluation ? evaluation.linearMae.toFixed(3) : '-',
    registered?.current ? `promoted: ${evaluation?.reason}` : `rejected: ${evaluation?.reason}`,
  ];
}

/**
 * `airfill retrain`: the training state machine in the local engine, once
 * per parameter, on the data in the database. Exit 0 when every run
 * succeeded (promoted or rejected by the gate), 2 when any failed.
 */
async function runRetrain(flags: RetrainFlags): Promise<number> {
  const dataDir = userPath(flags.dataDir);
  const results: { parameter: string; execution: TrainingExecution }[] = [];
  await withDatabase(flags, async (database) => {
    const stored = await listParameters(database);
    const parameters = flags.parameter?.length ? [...new Set(flags.parameter)] : stored;
    const unknown = parameters.filter((parameter) => !stored.includes(parameter));
    if (unknown.length > 0) throw new CliError(`no readings of ${unknown.map((name) => `"${name}"`).join(', ')} are stored (stored: ${stored.join(', ') || 'none'}); load data first with airfill load`);
    if (parameters.length === 0) throw new CliError('no readings are stored; load data first with airfill load');
    const runtime = await startLocalRuntime({ database, dataDir, keepObjects: false, onProgress: progressLine });
    try {
      for (const parameter of parameters) {
        const execution = await runTraining(runtime, {
          parameter,
          modelsDir: path.join(dataDir, 'models'),
          trigger: 'airfill retrain',
          rounds: flags.rounds,
          windowDays: flags.windowDays,
          onProgress: progress(parameter),
        });
        endProgress();
        results.push({ parameter, execution });
      }
    } finally {
      await runtime.stop();
    }
  });
  if (flags.json) {
    console.log(
      JSON.stringify({
        runs: results.map(({ parameter, execution }) => ({
          parameter,
          runId: execution.runId,
          status: execution.status,
          evaluation: execution.evaluation ?? null,
          registered: execution.registered ?? null,
          error: execution.error ?? null,
        })),
      }),
    );
  } else {
    console.log(formatTable(['parameter', 'model', 'MAE', 'linear MAE', 'gate'], results.map(({ parameter, execution }) => row(parameter, execution))));
  }
  const failed = results.filter(({ execution }) => execution.status === 'failed');
  for (const { parameter, execution } of failed) note(`airfill: ${parameter}: the training run ${execution.runId} failed (${execution.error?.name}); it is recorded in training_runs`);
  return failed.length > 0 ? EXIT.failed : EXIT.ok;
}

/** `airfill retrain [--parameter P]... [--rounds n] [--window-days n] [--json]` */
export function register(command: Command): void {
  addDatabaseOptions(
    command
      .option('--parameter <name>', 'train this parameter (repeatable); default: every stored parameter', collect)
      .option('--rounds <n>', 'boosting rounds', countFlag, DEFAULT_ROUNDS)
      .option('--window-days <n>', 'days of data before the latest reading to train on', countFlag, 3660)
      .option('--json', 'print the result as JSON: { runs: [...per parameter] }'),
  ).action(async (flags: RetrainFlags) => {
    process.exitCode = await runRetrain(flags);
  });
}
