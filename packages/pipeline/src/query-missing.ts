import { claimMissingReadings, claimsHeldElsewhere, completeRun, openRun, readFeatureContext, recordRunProgress, type Database } from '@airfill/db';
import { otherParametersOf, type FeatureContract } from '@airfill/features';
import { queryMissingEventSchema, runKeys, type MissingRecord, type QueryMissingEvent, type QueryMissingResult } from '@airfill/schema';
import { InputError } from './errors';
import { runIdFor } from './ids';
import type { Logger } from './logger';
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
}

/**
 * Opens the run of the event's parameter in this execution, claims up to
 * `maxReadings` missing readings of it that have no imputation (old ones
 * too: a failed run's readings are picked up again), and writes them with
 * their feature context (observed values only, of the parameters the model
 * reads) to `retrieved_from_db/<run>/`. With nothing to fill the run is
 * closed at once. A retry gets the same run and the same claims, and writes
 * the same objects.
 */
export async function queryMissing(deps: QueryMissingDeps, settings: QueryMissingSettings, rawEvent: QueryMissingEvent): Promise<QueryMissingResult> {
  const event = queryMissingEventSchema.parse(rawEvent);
  const { parameter } = event;
  const contract = await settings.contractOf(parameter);
  if (!contract) throw new InputError(`no current model fills ${parameter}; train one with: airfill train --parameter "${parameter}"`, { parameter });
  if (contract.parameter !== parameter) throw new InputError(`the model given for ${parameter} fills ${contract.parameter}`, { parameter });
  const runId = runIdFor(event.executionId, parameter);
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
  const base = { runId, parameter, bucket: deps.bucket.name };
  if (run.status === 'succeeded' && run.found === 0) return { ...base, found: 0 };
  if (run.status !== 'running') throw new InputError(`run ${runId} is already ${run.status}`, { runId, status: run.status });

  const claimed = await claimMissingReadings(deps.database, { runId, parameter, from, to, limit: settings.maxReadings });
  if (claimed.length === 0) {
    await completeRun(deps.database, runId, { found: 0 });
    // Nothing free to claim is not the same as nothing missing: say when other live runs hold the rest.
    const elsewhere = await claimsHeldElsewhere(deps.database, { parameter, runId });
    logger.info(elsewhere.readings > 0 ? 'nothing to fill: other runs still running hold the missing readings' : 'nothing to fill', {
      found: 0,
      heldElsewhere: elsewhere.readings,
      heldBy: elsewhere.runs.map((other) => other.runId),
    });
    logger.metrics({ ReadingsFound: 0 });
    return { ...base, found: 0 };
  }

  const missing: MissingRecord[] = claimed.map((reading, id) => ({
    id,
    deviceId: reading.deviceId,
    parameter: reading.parameter,
    ts: reading.ts.toISOString(),
  }));
  // claimMissingReadings returns readings oldest first.
  const first = claimed[0]!.ts.getTime();
  const last = claimed[claimed.length - 1]!.ts.getTime();
  const context = await readFeatureContext(deps.database, {
    from: new Date(first - contract.contextBeforeMs),
    to: new Date(last + contract.contextAfterMs + 1),
    parameters: [parameter, ...otherParametersOf(contract)],
  });

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
  await recordRunProgress(deps.database, runId, { found: missing.length });
  const observations = context.series.reduce((sum, series) => sum + series.ts.length, 0);
  logger.info('claimed missing readings', { found: missing.length, sites: context.sites.length, series: context.series.length, observations });
  logger.metrics({ ReadingsFound: missing.length, ContextObservations: observations });
  return { ...base, found: missing.length, keys: { missing: keys.missing, context: keys.context } };
}
