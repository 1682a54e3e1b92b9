import path from 'node:path';
import type { Command } from 'commander';
import { formatRunReport, runLocally } from '@airfill/local';
import { addDatabaseOptions } from '../database-options';
import { EXIT } from '../errors';
import { addInputOptions, countFlag } from '../input-options';
import { endProgress, note } from '../output';
import { userPath } from '../paths';
import { startPipelineSession, type PipelineFlags } from '../pipeline-session';
import { BUNDLED_SAMPLE } from '../samples';

/** Flags of `airfill run` (and `airfill demo`). */
export interface RunFlags extends PipelineFlags {
  csv?: string;
  maxReadings: number;
  json?: boolean;
}

/**
 * Runs the pipeline locally on `csv` (when given): progress on stderr, the
 * report on stdout, report files under the data dir. Arguments are checked
 * before anything starts. Returns the exit code: 0 done, 1 done with CSV rows
 * rejected, predictions refused or stored parameters no model fills, 2 the
 * run failed (for at least one parameter: the others' fills are kept).
 */
export async function runAndReport(flags: RunFlags, csv: string | undefined, csvWhenEmpty?: string): Promise<number> {
  // Ctrl-C aborts the execution; the run is recorded failed and everything started is stopped.
  const { session, options } = await startPipelineSession('run', flags, csv, path.basename(csv ?? csvWhenEmpty ?? 'input'));
  try {
    const { report, files, execution } = await runLocally({
      ...options,
      ...(csvWhenEmpty ? { csvWhenEmpty } : {}),
      maxReadingsPerRun: flags.maxReadings,
    });
    endProgress();
    if (flags.json) console.log(JSON.stringify(report));
    else console.log(formatRunReport(report));
    if (files) note(`\nreport: ${files.html}\n        ${files.json}\nstep logs: ${session.logFile}`);
    const rejected = session.rejected();
    if (rejected.count > 0) note(`${rejected.count.toLocaleString('en-US')} CSV row(s) rejected; every one is in ${rejected.path ?? ''}`);
    if (execution.status === 'failed') {
      const failed = report.parameters.filter((parameter) => parameter.ledger.status === 'failed');
      const filled = report.parameters.filter((parameter) => parameter.ledger.status === 'succeeded').map((parameter) => parameter.parameter);
      if (failed.length) {
        for (const parameter of failed) note(`${parameter.parameter}: the run failed: ${parameter.ledger.error?.name ?? 'error'}: ${parameter.ledger.error?.message ?? ''}`);
        note(`${filled.length ? `the other parameters (${filled.join(', ')}) were filled; ` : ''}the next run picks up what failed`);
      } else {
        note(`the run failed: ${execution.error?.name ?? 'error'}: ${execution.error?.cause ?? ''}`);
      }
      return EXIT.failed;
    }
    const refused = report.parameters.reduce((total, parameter) => total + (parameter.ledger.refused ?? 0), 0);
    if (refused > 0) note(`${refused.toLocaleString('en-US')} prediction(s) refused as implausible; their readings stay missing (see the report)`);
    if (report.withoutModel.length > 0) {
      note(`not filled, no model: ${report.withoutModel.map((parameter) => parameter.parameter).join(', ')}; train one with: airfill train --parameter <name>`);
    }
    return rejected.count > 0 || refused > 0 || report.withoutModel.length > 0 ? EXIT.rejected : EXIT.ok;
  } finally {
    await session.close();
  }
}

/** Collects a repeatable flag's values. */
export const collect = (value: string, previous: string[]) => [...previous, value.trim()];

/** Adds the flags `run` and `demo` share. */
export function addRunOptions(command: Command): Command {
  return addDatabaseOptions(
    addInputOptions(command.option('--parameter <name>', 'fill only this parameter (repeat the flag for several); default: every stored parameter a model fills', collect, []))
      .option('--max-readings <count>', 'most missing readings of one chunk, a run of its own: the execution cuts each parameter into such chunks (time windows) and fills them all', countFlag, 2_000_000)
      .option('--max-concurrency <count>', 'chunks filled at the same time (each holds its features in memory)', countFlag, 2)
      .option('--quality-config <file.json>', "quality control's thresholds (stuck, spike, drift, alerts; see packages/quality), over the defaults")
      .option('--json', 'print the report as JSON'),
  );
}

/** `airfill run [--csv <file.csv>] [--parameter "PM 2.5"]...` */
export function register(command: Command): void {
  addRunOptions(
    command
      .option('--csv <file>', 'CSV file in the input contract to load first (plain or .gz); without it, the bundled sample when the database is empty'),
  ).action(async (flags: RunFlags) => {
    process.exitCode = await runAndReport(flags, flags.csv ? userPath(flags.csv) : undefined, BUNDLED_SAMPLE);
  });
}
