import { countMissingPerHour, listParameters, type Database } from '@airfill/db';
import { executionKeys, planParametersEventSchema, type ChunkItem, type PlanParametersEvent, type PlanParametersResult } from '@airfill/schema';
import { planChunks } from './chunk-plan';
import { InputError } from './errors';
import { runIdFor, runIdForExecution } from './ids';
import type { Logger } from './logger';
import { putText, type Bucket } from './s3-objects';

/** What plan-parameters works with. */
export interface PlanParametersDeps {
  database: Database;
  /** Where the chunk manifest goes (the bucket the state machine's Distributed Map reads). */
  bucket: Bucket;
  logger: Logger;
}

/** How plan-parameters is configured. */
export interface PlanParametersSettings {
  /** The parameters a current model fills (the deployed models in the cloud; the registry or a default model locally). */
  modelled: readonly string[];
  /** Most missing readings of one chunk (one run); the same bound query-missing claims at most. */
  chunkReadings: number;
}

const quoted = (names: readonly string[]) => names.map((name) => `"${name}"`).join(', ');

/**
 * Decides what the execution fills: every stored parameter (or those the
 * input names) that a current model fills, each cut into chunks (time
 * windows of at most `chunkReadings` missing readings, see `planChunks`),
 * each chunk a run of its own in the Distributed Map that follows. Writes
 * the chunks to the manifest (`retrieved_from_db/<execution>/chunks.json`)
 * and returns its key with the counts. Stored parameters no model fills are
 * returned as `withoutModel`, logged and counted, never silently dropped.
 * A parameter the input names that is not stored is an input error (a typo
 * must not pass as "nothing to fill"). Reads the database only; a retry
 * plans again and overwrites the manifest (readings filled meanwhile only
 * move the window edges; the runs claim what is still missing).
 */
export async function planParameters(deps: PlanParametersDeps, settings: PlanParametersSettings, rawEvent: PlanParametersEvent): Promise<PlanParametersResult> {
  const event = planParametersEventSchema.parse(rawEvent);
  const logger = deps.logger.child({ step: 'plan-parameters', executionId: event.executionId });
  const stored = await listParameters(deps.database);
  const asked = event.input.parameters ? [...new Set(event.input.parameters)] : undefined;
  const unknown = (asked ?? []).filter((parameter) => !stored.includes(parameter));
  if (unknown.length > 0) {
    const known = stored.length ? `the parameters stored are: ${quoted(stored)}` : 'no readings are stored yet';
    throw new InputError(`no readings of ${quoted(unknown)} are stored; ${known}`, { unknown, stored });
  }
  const wanted = asked ?? stored;
  const modelled = new Set(settings.modelled);
  const parameters = wanted.filter((parameter) => modelled.has(parameter));
  const withoutModel = wanted.filter((parameter) => !modelled.has(parameter));
  if (withoutModel.length > 0) {
    logger.warn('parameters without a current model are not filled: train one with airfill train', { withoutModel, modelled: [...modelled] });
  }
  // Every run gets the execution input as the schedule or the CLI gave it, not what earlier states added (quality-check's result).
  const { trigger, from, to } = event.input;
  const input = { trigger, ...(from ? { from } : {}), ...(to ? { to } : {}), ...(asked ? { parameters: asked } : {}) };
  const window = { from: from ? new Date(from) : null, to: to ? new Date(to) : null };
  const items: ChunkItem[] = [];
  const perParameter: Record<string, number> = {};
  for (const parameter of parameters) {
    const chunks = planChunks(parameter, input, await countMissingPerHour(deps.database, { parameter, ...window }), settings.chunkReadings);
    perParameter[parameter] = chunks.length;
    for (const chunk of chunks) items.push(chunk);
  }
  const key = executionKeys(runIdForExecution(event.executionId)).chunks;
  await putText(deps.bucket, key, JSON.stringify(items), 'application/json');
  logger.info('planned', {
    parameters: parameters.map((parameter) => ({ parameter, chunks: perParameter[parameter], firstRunId: runIdFor(event.executionId, parameter) })),
    withoutModel,
    manifest: key,
  });
  logger.metrics({ ParametersPlanned: parameters.length, ParametersWithoutModel: withoutModel.length, ChunksPlanned: items.length });
  return { parameters, withoutModel, input, chunks: { key, count: items.length, perParameter } };
}
