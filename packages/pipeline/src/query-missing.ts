import { claimMissingReadings, claimsHeldElsewhere, completeRun, latestObservedAt, listChannelSites, openRun, readFeatureContext, recordRunProgress, type ContextSensors, type Database } from '@airfill/db';
import { otherParametersOf, type FeatureContract } from '@airfill/features';
import { queryMissingEventSchema, runKeys, type MissingRecord, type ProbeRecord, type QueryMissingEvent, type QueryMissingResult } from '@airfill/schema';
import { InputError } from './errors';
import { runIdFor } from './ids';
import { chooseLiveProbes, gapLengthsOf, stepsByDevice } from './live-probes';
import type { Logger } from './logger';
import { neighbourRing } from './sensor-groups';
import { putText, toJsonLines, type Bucket } from './s3-objects';

/** What query-missing works with. */
export interface QueryMissingDeps {
  database: Database;
  bucket: Bucket;
  logger: Logger;
}

/** What query-missing needs of the model that fills a parameter: the parameter, the columns and the context window of its features. */
export type ContextContract = Pick<FeatureContract, 'parameter' | 'columns' | 'contextBeforeMs' | 'contextAfterMs'>;

/** How query-missing is configured (from the Lambda environment and the models' contracts). */
export interface QueryMissingSettings {
  /** At most this many readings per run, that is per parameter (the rest waits for the next run). */
  maxReadings: number;
  /** The feature contract of the current model of a parameter; undefined when no model fills it. */
  contractOf(parameter: string): Promise<ContextContract | undefined>;
  /** Observed values to hide per run for the live accuracy check; 0 turns it off. @default {@link DEFAULT_LIVE_POINTS} */
  livePoints?: number;
}

/** Observed values a run hides for the live accuracy check, by default: enough for a stable MAE, few enough to cost little. */
export const DEFAULT_LIVE_POINTS = 200;

/** With nothing missing, the live check hides values from this span before the newest observation. */
export const LIVE_SPAN_MS = 3 * 86_400_000;

/**
 * Opens the run of the event's chunk (a parameter and a time window, the
 * input's `from`/`to`) in this execution, claims up to `maxReadings` missing
 * readings of it in the window that have no imputation (old ones too: a
 * failed run's readings are picked up again), and writes them with
 * their feature context (observed values only, of the parameters the model
 * reads) to `retrieved_from_db/<run>/`. It also draws the live accuracy
 * check's sample (`probes.jsonl`): observed values, in blocks as long as the
 * run's own gaps, that the transform predicts as if they were missing and
 * the callback scores, never written (only when the chunk is `live`: the
 * parameter's newest). With nothing missing it still draws
 * the sample from the newest {@link LIVE_SPAN_MS} observed, so a network
 * without gaps is still watched; with nothing to fill and nothing to check
 * the run is closed at once. A retry gets the same run, the same claims and
 * (seeded by the run id) the same sample, and writes the same objects.
 */
export async function queryMissing(deps: QueryMissingDeps, settings: QueryMissingSettings, rawEvent: QueryMissingEvent): Promise<QueryMissingResult> {
  const event = queryMissingEventSchema.parse(rawEvent);
  const { parameter } = event;
  const contract = await settings.contractOf(parameter);
  if (!contract) throw new InputError(`no current model fills ${parameter}; train one with: airfill train --parameter "${parameter}"`, { parameter });
  if (contract.parameter !== parameter) throw new InputError(`the model given for ${parameter} fills ${contract.parameter}`, { parameter });
  const runId = runIdFor(event.executionId, parameter, event.chunk);
  const logger = deps.logger.child({ runId, parameter, step: 'query-missing' });
  const from = event.input.from ? new Date(event.input.from) : null;
  const to = event.input.to ? new Date(event.input.to) : null;
  const run = await openRun(deps.database, {
    runId,
    trigger: event.input.trigger,
    parameter,
    windowStart: from,
    windowEnd: to,
    executionId: event.executionId,
  });
  const base = { executionId: event.executionId, runId, parameter, chunk: event.chunk, bucket: deps.bucket.name };
  if (run.status === 'succeeded' && run.found === 0) return { ...base, found: 0, probes: 0 };
  if (run.status !== 'running') throw new InputError(`run ${runId} is already ${run.status}`, { runId, status: run.status });

  const group = event.input.sensors ?? null;
  const claimed = await claimMissingReadings(deps.database, { runId, parameter, from, to, sensors: group, limit: settings.maxReadings });
  const livePoints = event.live ? (settings.livePoints ?? DEFAULT_LIVE_POINTS) : 0;
  // Where the live check hides values: among the claims (their context is read anyway), else the newest days observed.
  let span: { from: number; to: number } | null = null;
  if (claimed.length) span = { from: claimed[0]!.ts.getTime(), to: claimed[claimed.length - 1]!.ts.getTime() };
  else if (livePoints > 0) {
    const latest = await latestObservedAt(deps.database, parameter, { from, to });
    if (latest) span = { from: Math.max(latest.getTime() - LIVE_SPAN_MS, from?.getTime() ?? -Infinity), to: latest.getTime() };
  }
  if (span === null) return closeEmptyRun(deps, logger, base);

  const missing: MissingRecord[] = claimed.map((reading, id) => ({
    id,
    deviceId: reading.deviceId,
    parameter: reading.parameter,
    ts: reading.ts.toISOString(),
  }));
  const window = { from: new Date(span.from - contract.contextBeforeMs), to: new Date(span.to + contract.contextAfterMs + 1) };
  const context = await readFeatureContext(deps.database, {
    ...window,
    parameters: [parameter, ...otherParametersOf(contract)],
    ...(group ? { sensors: await groupAndRing(deps.database, parameter, group, window) } : {}),
  });
  const members = group ? new Set(group) : null;
  const ownSeries = members ? context.series.filter((series) => members.has(series.deviceId)) : context.series;
  const probes: ProbeRecord[] = chooseLiveProbes(ownSeries, parameter, gapLengthsOf(missing, stepsByDevice(context.series, parameter)), {
    points: livePoints,
    from: span.from,
    to: span.to,
    seed: runId,
    firstId: missing.length,
  });
  if (missing.length === 0 && probes.length === 0) return closeEmptyRun(deps, logger, base);

  const keys = runKeys(runId);
  await putText(deps.bucket, keys.missing, toJsonLines(missing), 'application/x-ndjson');
  await putText(
    deps.bucket,
    keys.context,
    toJsonLines([
      ...context.sites.map((site) => ({ kind: 'site', ...site })),
      ...context.series.map((series) => ({ kind: 'series', ...series })),
    ]),
    'application/x-ndjson',
  );
  if (probes.length) await putText(deps.bucket, keys.probes, toJsonLines(probes), 'application/x-ndjson');
  await recordRunProgress(deps.database, runId, { found: missing.length });
  const observations = context.series.reduce((sum, series) => sum + series.ts.length, 0);
  logger.info(missing.length ? 'claimed missing readings' : 'nothing missing; checking the model live', {
    found: missing.length,
    probes: probes.length,
    sites: context.sites.length,
    series: context.series.length,
    observations,
  });
  logger.metrics({ ReadingsFound: missing.length, ContextObservations: observations, LiveProbes: probes.length });
  return {
    ...base,
    found: missing.length,
    probes: probes.length,
    keys: { missing: keys.missing, context: keys.context, ...(probes.length ? { probes: keys.probes } : {}) },
  };
}

/**
 * A group's context: the group, and around it, for each member, the nearest
 * sensors outside the group that observed the parameter in the context's
 * window, as many as the features use (`neighbourRing`); their neighbour
 * features read that parameter only. A member's nearest sensors with data
 * are then exactly those over the whole network.
 */
async function groupAndRing(database: Database, parameter: string, group: readonly string[], window: { from: Date; to: Date }): Promise<ContextSensors> {
  const candidates = await listChannelSites(database, parameter, window);
  return { group, neighbours: neighbourRing(new Set(group), candidates), neighbourParameter: parameter };
}

/** Closes a run with nothing to fill and nothing to check, saying when other live runs hold the missing readings. */
async function closeEmptyRun(deps: QueryMissingDeps, logger: Logger, base: Pick<QueryMissingResult, 'executionId' | 'runId' | 'parameter' | 'chunk' | 'bucket'>): Promise<QueryMissingResult> {
  await completeRun(deps.database, base.runId, { found: 0 });
  // Nothing free to claim is not the same as nothing missing: say when other live runs hold the rest.
  const elsewhere = await claimsHeldElsewhere(deps.database, { parameter: base.parameter, runId: base.runId });
  logger.info(elsewhere.readings > 0 ? 'nothing to fill: other runs still running hold the missing readings' : 'nothing to fill', {
    found: 0,
    heldElsewhere: elsewhere.readings,
    heldBy: elsewhere.runs.map((other) => other.runId),
  });
  logger.metrics({ ReadingsFound: 0 });
  return { ...base, found: 0, probes: 0 };
}
