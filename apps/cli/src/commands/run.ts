import path from 'node:path';
import type { Command } from 'commander';
import { formatRunReport, runLocally, type PipelineProgress } from '@airfill/local';
import { addDatabaseOptions, databaseTarget, type DatabaseFlags } from '../database-options';
import { EXIT } from '../errors';
import { addInputOptions, countFlag, readPlausibility, readQualityConfig, type InputFlags } from '../input-options';
import { endProgress, note, progressLine, throttle } from '../output';
import { userPath } from '../paths';
import { openRunSession } from '../run-session';
import { BUNDLED_SAMPLE } from '../samples';
import { requireReadable } from './load';

/** Flags of `airfill run` (and `airfill demo`). */
export interface RunFlags extends DatabaseFlags, InputFlags {
  csv?: string;
  /** The parameters to fill (`--parameter`, repeatable); empty for every stored one with a model. */
  parameter: string[];
  maxReadings: number;
  maxConcurrency: number;
  json?: boolean;
}

/** What each state of the pipeline is doing, for the progress line. */
const DOING: Record<string, string> = {
  QualityCheck: 'quality-check: checking every parameter for wrong values (flags, alerts)',
  PlanParameters: 'plan-parameters: which parameters a model fills',
  QueryMissing: 'query-missing: claiming missing readings and their context',
  StartTransform: 'start-transform: building features, then the batch transform scores them',
  WritePredictions: 'write-predictions: storing the predictions in one transaction',
  RecordFailure: 'record-failure: recording the failure and releasing the claims',
};

/** Turns pipeline events into progress lines on stderr. */
export function showPipelineProgress(event: PipelineProgress): void {
  const of = (parameter: string | undefined) => (parameter ? `${parameter}: ` : '');
  if (event.kind === 'plan') {
    note(`filling ${event.parameters.length ? event.parameters.join(', ') : 'no parameter'}${event.withoutModel.length ? `; no model fills ${event.withoutModel.join(', ')}` : ''}`);
  } else if (event.kind === 'state') {
    if (event.phase === 'entered' && DOING[event.state]) progressLine(`${of(event.parameter)}${DOING[event.state]!}`);
    if (event.phase === 'retried') note(`${of(event.parameter)}${event.state}: retry ${event.attempt ?? ''}`.trim());
    if (event.phase === 'failed' && event.state !== 'Failed') note(`${of(event.parameter)}${event.state} failed: ${event.error}: ${event.cause}`);
  } else if (event.kind === 'transform') {
    note(
      `${of(event.parameter)}transform job ${event.job}: ${event.status}${event.rows === undefined ? '' : `, ${event.rows.toLocaleString('en-US')} rows scored`} in ${(event.ms / 1000).toFixed(2)} s${event.reason ? ` (${event.reason})` : ''}`,
    );
  } else if (event.kind === 'alert') {
    note(`quality alert: ${event.subject.replace(/^airfill: /, '')}`);
  } else if (event.error) {
    note(`${of(event.parameter)}transform-callback failed (${event.error}: ${event.cause}); the event is delivered again`);
  }
}

/**
 * Runs the pipeline locally on `csv` (when given): progress on stderr, the
 * report on stdout, report files under the data dir. Arguments are checked
 * before anything starts. Returns the exit code: 0 done, 1 done with CSV rows
 * rejected, predictions refused or stored parameters no model fills, 2 the
 * run failed (for at least one parameter: the others' fills are kept).
 */
export async function runAndReport(flags: RunFlags, csv: string | undefined, csvWhenEmpty?: string): Promise<number> {
  const target = databaseTarget(flags);
  const dataDir = target.dataDir;
  if (csv) await requireReadable(csv);
  const plausibility = await readPlausibility(flags.plausibility);
  const qualityConfig = await readQualityConfig(flags.qualityConfig);
  const label = path.basename(csv ?? csvWhenEmpty ?? 'input');
  // Ctrl-C aborts the execution; the run is recorded failed and everything started is stopped.
  const session = await openRunSession(dataDir, 'run', label);
  const loading = throttle(500, (rows: number) => progressLine(`loading ${label}: ${rows.toLocaleString('en-US')} rows`));
  try {
    const { report, files, execution } = await runLocally({
      ...(flags.parameter.length ? { parameters: flags.parameter } : {}),
      maxConcurrency: flags.maxConcurrency,
      dataDir,
      ...(target.databaseUrl ? { databaseUrl: target.databaseUrl } : {}),
      ...(csv ? { csv } : {}),
      ...(csvWhenEmpty ? { csvWhenEmpty } : {}),
      sentinel: flags.sentinel,
      maxLineLength: flags.maxLineLength,
      ...(plausibility ? { plausibility } : {}),
      ...(qualityConfig ? { qualityConfig } : {}),
      maxReadingsPerRun: flags.maxReadings,
      log: session.log,
      onProgress: progressLine,
      onLoadProgress: (progress) => loading(progress.rowsRead),
      onReject: session.onReject,
      onPipelineProgress: showPipelineProgress,
      execution: { signal: session.signal },
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
      .option('--max-readings <count>', 'most missing readings one run claims per parameter (the rest waits for the next run)', countFlag, 2_000_000)
      .option('--max-concurrency <count>', 'parameters filled at the same time', countFlag, 2)
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
