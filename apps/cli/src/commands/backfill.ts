import path from 'node:path';
import type { Command } from 'commander';
import { backfillLocally, DEFAULT_GROUP_SENSORS, type BackfillPass, type BackfillResult } from '@airfill/local';
import { MAX_SENSORS_PER_INPUT } from '@airfill/schema';
import { InvalidArgumentError } from 'commander';
import { addDatabaseOptions } from '../database-options';
import { EXIT } from '../errors';
import { addInputOptions, countFlag } from '../input-options';
import { endProgress, formatTable, note } from '../output';
import { userPath } from '../paths';
import { startPipelineSession, type PipelineFlags } from '../pipeline-session';
import { collect } from './run';

/** Flags of `airfill backfill`. */
interface BackfillFlags extends PipelineFlags {
  csv?: string;
  chunk: number;
  groupSensors: number;
  json?: boolean;
}

/** Parses `--group-sensors`: a whole number up to what a chunk's input may name. */
function groupSensorsFlag(text: string): number {
  const value = countFlag(text);
  if (value > MAX_SENSORS_PER_INPUT) throw new InvalidArgumentError(`"${text}" is more than ${MAX_SENSORS_PER_INPUT} sensors`);
  return value;
}

const count = (value: number) => value.toLocaleString('en-US');

/** One line per execution: what it wrote per parameter (in how many chunks), and what is left. */
function describePass(pass: BackfillPass): string {
  const parameters = pass.parameters
    .map((parameter) => `${parameter.parameter} ${count(parameter.written)}${parameter.chunks > 1 ? ` in ${parameter.chunks} chunks` : ''}${parameter.refused ? ` (${count(parameter.refused)} refused)` : ''}`)
    .join(', ');
  const outcome = pass.status === 'failed' ? `failed (${pass.error?.name ?? 'error'}: ${pass.error?.cause ?? ''})` : `filled ${parameters || 'nothing'}`;
  return `pass ${pass.pass}: ${outcome}; ${count(pass.unfilled)} still missing (${(pass.ms / 1000).toFixed(1)} s)`;
}

/** The summary printed at the end: per parameter, what the backfill wrote and what is left. */
function formatBackfill(result: BackfillResult): string {
  const written = new Map<string, number>();
  for (const pass of result.passes) for (const parameter of pass.parameters) written.set(parameter.parameter, (written.get(parameter.parameter) ?? 0) + parameter.written);
  const rows = Object.entries(result.status.parameters).map(([name, counts]) => [name, written.get(name) ?? 0, counts.missing, counts.imputed, counts.unfilled]);
  rows.push(['all', [...written.values()].reduce((sum, value) => sum + value, 0), result.status.missing, result.status.imputed, result.status.unfilled]);
  const header = `backfill ${result.outcome}: ${result.passes.length} execution(s) in ${(result.ms / 1000).toFixed(1)} s`;
  return `${header}\n${formatTable(['parameter', 'filled now', 'missing', 'filled in all', 'still missing'], rows)}`;
}

/**
 * Runs {@link backfillLocally} with progress on stderr and the summary on
 * stdout. Exit codes: 0 nothing left to fill; 1 done, with CSV rows
 * rejected, predictions refused, stored parameters no model fills, or
 * values still missing; 2 an execution failed (run it again to resume).
 */
async function backfillAndReport(flags: BackfillFlags): Promise<number> {
  const csv = flags.csv ? userPath(flags.csv) : undefined;
  const { session, options } = await startPipelineSession('backfill', flags, csv, path.basename(csv ?? 'input'));
  try {
    const result = await backfillLocally({
      ...options,
      chunkReadings: flags.chunk,
      groupSensors: flags.groupSensors,
      onPass: (pass) => {
        endProgress();
        note(describePass(pass));
      },
    });
    endProgress();
    console.log(flags.json ? JSON.stringify(result) : formatBackfill(result));
    note(`step logs: ${session.logFile}`);
    const rejected = session.rejected();
    if (rejected.count > 0) note(`${count(rejected.count)} CSV row(s) rejected; every one is in ${rejected.path ?? ''}`);
    if (result.outcome === 'failed') {
      note('an execution failed; what the others filled is kept. Run `airfill backfill` again to resume where it stopped');
      return EXIT.failed;
    }
    if (result.outcome === 'stalled') note('the last execution wrote nothing new: its predictions were refused (see `airfill run` for the reasons)');
    if (result.withoutModel.length > 0) note(`not filled, no model: ${result.withoutModel.join(', ')}; train one with: airfill train --parameter <name>`);
    return rejected.count > 0 || result.status.unfilled > 0 || result.withoutModel.length > 0 ? EXIT.rejected : EXIT.ok;
  } finally {
    await session.close();
  }
}

/** `airfill backfill [--csv <file>] [--chunk 100000] [--parameter "PM 2.5"]...` */
export function register(command: Command): void {
  addDatabaseOptions(
    addInputOptions(
      command
        .option('--csv <file>', 'CSV file in the input contract to load first (plain or .gz); without it, the readings already stored')
        .option('--parameter <name>', 'fill only this parameter (repeat the flag for several); default: every stored parameter a model fills', collect, [])
        .option('--chunk <readings>', 'most missing readings of one chunk (a run of its own): memory stays that of the chunks under way', countFlag, 100_000)
        .option('--group-sensors <count>', 'most sensors of one chunk: a larger network is cut into groups of nearby sensors too, so a chunk reads its group and their neighbours, not the network', groupSensorsFlag, DEFAULT_GROUP_SENSORS)
        .option('--max-concurrency <count>', 'chunks filled at the same time (each holds its features in memory)', countFlag, 2)
        .option('--quality-config <file.json>', "quality control's thresholds (stuck, spike, drift, alerts; see packages/quality), over the defaults")
        .option('--json', 'print the summary as JSON: the outcome, each execution, the counts'),
    ),
  ).action(async (flags: BackfillFlags) => {
    process.exitCode = await backfillAndReport(flags);
  });
}
