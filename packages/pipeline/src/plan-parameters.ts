import { countMissingPerHour, findUnknownDevices, listChannelSites, listParameters, type Database } from '@airfill/db';
import { executionKeys, MAX_SENSORS_PER_INPUT, planParametersEventSchema, type ChunkItem, type PlanParametersEvent, type PlanParametersResult } from '@airfill/schema';
import { planChunks } from './chunk-plan';
import { InputError } from './errors';
import { runIdFor, runIdForExecution } from './ids';
import type { Logger } from './logger';
import { DEFAULT_GROUP_SENSORS, groupSensorsSpatially } from './sensor-groups';
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
  /** Most sensors of one chunk: a larger network is cut into spatial groups of sensors as well as time windows. @default {@link DEFAULT_GROUP_SENSORS} */
  groupSensors?: number;
}

const quoted = (names: readonly string[]) => names.map((name) => `"${name}"`).join(', ');

/**
 * Decides what the execution fills: every stored parameter (or those the
 * input names) that a current model fills, each cut into chunks, each
 * chunk a run of its own in the Distributed Map that follows. A network of
 * more than `groupSensors` sensors (with the parameter; of those the input
 * names, if it does) is first split into spatially compact groups
 * (`groupSensorsSpatially`; a chunk names its group in `input.sensors`),
 * then each group into time windows of at most `chunkReadings` missing
 * readings (`planChunks`), so a chunk's context is bounded by the group,
 * not the network. Writes
 * the chunks to the manifest (`retrieved_from_db/<execution>/chunks.json`)
 * and returns its key with the counts. Stored parameters no model fills are
 * returned as `withoutModel`, logged and counted, never silently dropped.
 * A parameter or sensor the input names that is not stored is an input error
 * (a typo must not pass as "nothing to fill"). Reads the database only; a retry
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
  const unknownSensors = event.input.sensors ? await findUnknownDevices(deps.database, event.input.sensors) : [];
  if (unknownSensors.length > 0) {
    throw new InputError(`no sensor ${quoted(unknownSensors.slice(0, 10))}${unknownSensors.length > 10 ? ` (and ${unknownSensors.length - 10} more)` : ''} is stored`, { unknownSensors: unknownSensors.length });
  }
  const wanted = asked ?? stored;
  const modelled = new Set(settings.modelled);
  const parameters = wanted.filter((parameter) => modelled.has(parameter));
  const withoutModel = wanted.filter((parameter) => !modelled.has(parameter));
  if (withoutModel.length > 0) {
    logger.warn('parameters without a current model are not filled: train one with airfill train', { withoutModel, modelled: [...modelled] });
  }
  // Every run gets the execution input as the schedule or the CLI gave it, not what earlier states added (quality-check's result).
  const { trigger, from, to, sensors } = event.input;
  const input = { trigger, ...(from ? { from } : {}), ...(to ? { to } : {}), ...(asked ? { parameters: asked } : {}), ...(sensors ? { sensors } : {}) };
  const window = { from: from ? new Date(from) : null, to: to ? new Date(to) : null };
  const groupSensors = settings.groupSensors ?? DEFAULT_GROUP_SENSORS;
  if (!Number.isInteger(groupSensors) || groupSensors < 1 || groupSensors > MAX_SENSORS_PER_INPUT) {
    throw new RangeError(`groupSensors must be an integer from 1 to ${MAX_SENSORS_PER_INPUT}, got ${groupSensors}`);
  }
  const items: ChunkItem[] = [];
  const perParameter: Record<string, number> = {};
  for (const parameter of parameters) {
    const groups = await sensorGroups(deps.database, parameter, input.sensors, groupSensors);
    const counts = await countMissingPerHour(deps.database, { parameter, ...window, groups });
    const inputOf = (group: string[] | null) => (group ? { ...input, sensors: group } : input);
    const cut = (groups ?? [null]).flatMap((group, at) => {
      const missing = counts[at] ?? [];
      // A group with nothing missing needs no run of its own.
      return missing.length > 0 ? planChunks(parameter, inputOf(group), missing, settings.chunkReadings) : [];
    });
    // Nothing missing anywhere: one chunk still makes the live check, over the last group (or the network).
    const chunks = cut.length > 0 ? cut : planChunks(parameter, inputOf(groups ? groups[groups.length - 1]! : null), [], settings.chunkReadings);
    // Numbered across the groups; one live check per parameter: the newest chunk of the last group.
    chunks.forEach((chunk, at) => Object.assign(chunk, { chunk: at, live: at === chunks.length - 1 }));
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

/**
 * The groups a parameter's chunks are cut by: null (the whole network, no
 * sensor named) when it fits in one group; else spatially compact groups
 * of the sensors with the parameter (those the input names, when it does).
 */
async function sensorGroups(database: Database, parameter: string, named: readonly string[] | undefined, groupSensors: number): Promise<string[][] | null> {
  if (named) return named.length > groupSensors ? groupSensorsSpatially(await sitesOf(database, parameter, named), groupSensors) : [[...named]];
  const sites = await listChannelSites(database, parameter);
  return sites.length > groupSensors ? groupSensorsSpatially(sites, groupSensors) : null;
}

/** The sites of the named sensors that have the parameter. */
async function sitesOf(database: Database, parameter: string, named: readonly string[]) {
  const wanted = new Set(named);
  return (await listChannelSites(database, parameter)).filter((site) => wanted.has(site.deviceId));
}
