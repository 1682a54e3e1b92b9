import type { PipelineProgress, RunLocallyOptions } from '@airfill/local';
import { databaseTarget, type DatabaseFlags } from './database-options';
import { readPlausibility, readQualityConfig, type InputFlags } from './input-options';
import { note, progressLine, throttle } from './output';
import { openRunSession, type RunSession } from './run-session';
import { requireReadable } from './commands/load';

/** What each state of the pipeline is doing, for the progress line. */
const DOING: Record<string, string> = {
  QualityCheck: 'quality-check: checking every parameter for wrong values (flags, alerts)',
  PlanParameters: 'plan-parameters: which parameters a model fills',
  QueryMissing: 'query-missing: claiming missing readings and their context',
  StartTransform: 'start-transform: building features, then the batch transform scores them',
  WritePredictions: 'write-predictions: storing the predictions',
  RecordFailure: 'record-failure: recording the failure and releasing the claims',
};

/** Chunks per parameter of the execution under way (from its plan), to name a chunk "2 of 5". */
const planned = new Map<string, number>();

/** Names the chunk's run an event belongs to: the parameter, and its chunk when the plan cut it into several. */
function runLabel(event: { parameter?: string | undefined; chunk?: number | undefined }): string {
  if (!event.parameter) return '';
  const chunks = planned.get(event.parameter) ?? 1;
  return chunks > 1 && event.chunk !== undefined ? `${event.parameter} chunk ${event.chunk + 1} of ${chunks}: ` : `${event.parameter}: `;
}

/** Turns pipeline events into progress lines on stderr. */
export function showPipelineProgress(event: PipelineProgress): void {
  if (event.kind === 'plan') {
    planned.clear();
    for (const [parameter, chunks] of Object.entries(event.chunks)) planned.set(parameter, chunks);
    const filling = event.parameters.map((parameter) => ((event.chunks[parameter] ?? 1) > 1 ? `${parameter} (${event.chunks[parameter]} chunks)` : parameter));
    note(`filling ${filling.length ? filling.join(', ') : 'no parameter'}${event.withoutModel.length ? `; no model fills ${event.withoutModel.join(', ')}` : ''}`);
  } else if (event.kind === 'state') {
    if (event.phase === 'entered' && DOING[event.state]) progressLine(`${runLabel(event)}${DOING[event.state]!}`);
    if (event.phase === 'retried') note(`${runLabel(event)}${event.state}: retry ${event.attempt ?? ''}`.trim());
    if (event.phase === 'failed' && event.state !== 'Failed') note(`${runLabel(event)}${event.state} failed: ${event.error}: ${event.cause}`);
  } else if (event.kind === 'transform') {
    note(
      `${runLabel(event)}transform job ${event.job}: ${event.status}${event.rows === undefined ? '' : `, ${event.rows.toLocaleString('en-US')} rows scored`} in ${(event.ms / 1000).toFixed(2)} s${event.reason ? ` (${event.reason})` : ''}`,
    );
  } else if (event.kind === 'alert') {
    note(`quality alert: ${event.subject.replace(/^airfill: /, '')}`);
  } else if (event.error) {
    note(`${runLabel(event)}transform-callback failed (${event.error}: ${event.cause}); the event is delivered again`);
  }
}

/** The flags `run` and `backfill` share. */
export interface PipelineFlags extends DatabaseFlags, InputFlags {
  /** The parameters to fill (`--parameter`, repeatable); empty for every stored one with a model. */
  parameter: string[];
  maxConcurrency: number;
}

/** The options `runLocally` and `backfillLocally` share, as both commands build them from their flags. */
export type SharedPipelineOptions = Pick<
  RunLocallyOptions,
  | 'parameters'
  | 'maxConcurrency'
  | 'dataDir'
  | 'databaseUrl'
  | 'csv'
  | 'sentinel'
  | 'maxLineLength'
  | 'plausibility'
  | 'qualityConfig'
  | 'log'
  | 'onProgress'
  | 'onLoadProgress'
  | 'onReject'
  | 'onPipelineProgress'
  | 'execution'
>;

/**
 * Checks the input and the configuration files (before anything starts),
 * opens the {@link RunSession} (`command` names its log) and builds the
 * pipeline options both `run` and `backfill` pass: progress on stderr, the
 * step log, rejected rows to a file, Ctrl-C aborting the execution.
 */
export async function startPipelineSession(command: string, flags: PipelineFlags, csv: string | undefined, label: string): Promise<{ session: RunSession; options: SharedPipelineOptions }> {
  const target = databaseTarget(flags);
  if (csv) await requireReadable(csv);
  const plausibility = await readPlausibility(flags.plausibility);
  const qualityConfig = await readQualityConfig(flags.qualityConfig);
  const session = await openRunSession(target.dataDir, command, label);
  const loading = throttle(500, (rows: number) => progressLine(`loading ${label}: ${rows.toLocaleString('en-US')} rows`));
  return {
    session,
    options: {
      ...(flags.parameter.length ? { parameters: flags.parameter } : {}),
      maxConcurrency: flags.maxConcurrency,
      dataDir: target.dataDir,
      ...(target.databaseUrl ? { databaseUrl: target.databaseUrl } : {}),
      ...(csv ? { csv } : {}),
      sentinel: flags.sentinel,
      maxLineLength: flags.maxLineLength,
      ...(plausibility ? { plausibility } : {}),
      ...(qualityConfig ? { qualityConfig } : {}),
      log: session.log,
      onProgress: progressLine,
      onLoadProgress: (progress) => loading(progress.rowsRead),
      onReject: session.onReject,
      onPipelineProgress: showPipelineProgress,
      execution: { signal: session.signal },
    },
  };
}
