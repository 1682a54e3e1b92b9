import type { SensorSite, Series } from '@airfill/features';
import { makeRangeLookup, type PlausibilityConfigInput } from '@airfill/schema';
import { checkDrift } from './checks/drift';
import { checkFaultConstants, faultConstantsFor } from './checks/fault-constant';
import { checkRange } from './checks/range';
import { checkSpikes, excursionsOf, type Witness } from './checks/spike';
import { checkStuck } from './checks/stuck';
import { qualityConfigSchema, type QualityConfig, type QualityConfigInput } from './config';
import { buildContext, cadenceOrHour, type QualityContext } from './context';
import { QualityConfigError, QualityError } from './errors';
import { QUALITY_CHECKS, type QualityCheck, type QualityFlag, type SeriesFlag } from './flags';
import { parameterKey, type ParameterSettings } from './parameters';
import { withoutReadings, type ReadingsInput } from './readings';

/** The sensor type measuring one parameter on one device (the input contract's `sensor_type`). */
export interface ChannelType {
  deviceId: string;
  parameter: string;
  sensorType: string | null;
}

/**
 * A window of readings to check: every parameter of the sensors and of
 * their neighbours, one record per reading (`value` null when missing;
 * missing readings are not checked) or one per series.
 */
export type QualityInput = ReadingsInput & {
  sites: readonly SensorSite[];
  /** Sensor types, for the fault constants and per-type ranges; a channel without one matches only rules for any type (`*`). */
  channels?: readonly ChannelType[];
  /** The physical ranges (and sentinels) the loader applies (`--plausibility`); the defaults when absent. */
  plausibility?: PlausibilityConfigInput;
};

/** The flags of a run and how long each check took (ms). */
export interface QualityResult {
  flags: QualityFlag[];
  timings: Record<QualityCheck, number>;
}

/** Validates quality-control settings, applying the defaults; throws {@link QualityConfigError} naming each problem. */
export function parseQualityConfig(input: unknown): QualityConfig {
  const parsed = qualityConfigSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new QualityConfigError(`invalid quality-control settings: ${issues.join('; ')}`, { issues });
}

/**
 * Runs every check over a window of readings and returns its flags, one per
 * reading and check, sorted by device, parameter, time and check. In three
 * passes, each on the readings the previous passes left valid, so a broken
 * value never serves as evidence: (1) range and fault constants, (2) stuck
 * and spikes, (3) drift. Pure: the same input gives the same flags.
 */
export function runQualityChecks(input: QualityInput, config: QualityConfigInput = {}): QualityResult {
  const settings = parseQualityConfig(config);
  const timings: Record<QualityCheck, number> = { range: 0, fault_constant: 0, stuck: 0, spike: 0, drift: 0 };
  const flags: QualityFlag[] = [];
  const invalid = new Set<string>();
  const record = (deviceId: string, parameter: string, series: Series, check: QualityCheck, found: readonly SeriesFlag[]) => {
    for (const flag of found) {
      const ts = series.ts[flag.index] as number;
      flags.push({ deviceId, parameter, ts, check, severity: flag.severity, detail: flag.detail });
      if (flag.severity === 'invalid') invalid.add(readingKey(deviceId, parameter, ts));
    }
  };
  const timed = (check: QualityCheck, work: () => void) => {
    const started = performance.now();
    work();
    timings[check] += performance.now() - started;
  };

  let context = buildContext(input.sites, input, settings);
  const sensorTypes = new Map((input.channels ?? []).map((channel) => [`${channel.deviceId}\u0000${channel.parameter}`, channel.sensorType]));
  const rangeFor = makeRangeLookup(input.plausibility);
  eachSeries(context, (deviceId, parameter, series) => {
    const sensorType = sensorTypes.get(`${deviceId}\u0000${parameter}`) ?? null;
    const range = rangeFor(parameter, sensorType);
    if (range) timed('range', () => record(deviceId, parameter, series, 'range', checkRange(series, range, parameter)));
    const constants = faultConstantsFor(settings.faultConstants, sensorType, parameter);
    timed('fault_constant', () => record(deviceId, parameter, series, 'fault_constant', checkFaultConstants(series, constants, sensorType)));
  });

  context = withoutInvalid(context, input, invalid, settings);
  if (settings.stuck.enabled) {
    timed('stuck', () =>
      eachSeries(context, (deviceId, parameter, series) => {
        const scope = seriesScope(context, parameter, series, settings);
        record(deviceId, parameter, series, 'stuck', checkStuck(series, neighboursOf(context, parameter, deviceId), scope, settings.stuck));
      }),
    );
  }
  if (settings.spike.enabled) timed('spike', () => runSpikes(context, settings, record));

  context = withoutInvalid(context, input, invalid, settings);
  if (settings.drift.enabled) {
    timed('drift', () =>
      eachSeries(context, (deviceId, parameter, series) => {
        const scope = seriesScope(context, parameter, series, settings);
        if (!scope.parameter.drift) return;
        record(deviceId, parameter, series, 'drift', checkDrift(series, neighboursOf(context, parameter, deviceId), scope, settings.drift));
      }),
    );
  }
  flags.sort(compareFlags);
  return { flags, timings };
}

function runSpikes(
  context: QualityContext,
  settings: QualityConfig,
  record: (deviceId: string, parameter: string, series: Series, check: QualityCheck, found: readonly SeriesFlag[]) => void,
): void {
  const witnesses = new Map<Series, Witness>();
  const witness = (parameter: string, series: Series): Witness => {
    let found = witnesses.get(series);
    if (!found) {
      found = { series, excursions: excursionsOf(series, parameterSettings(context, parameter), settings.spike) };
      witnesses.set(series, found);
    }
    return found;
  };
  const groups = settings.spike.channelGroups.map((group) => group.map(parameterKey));
  eachSeries(context, (deviceId, parameter, series) => {
    const key = parameterKey(parameter);
    const channels = { containing: [] as Witness[], contained: [] as Witness[] };
    for (const [other, otherSeries] of context.index.get(deviceId) ?? []) {
      const otherKey = parameterKey(other);
      if (otherKey === key) continue;
      for (const group of groups) {
        const [own, theirs] = [group.indexOf(key), group.indexOf(otherKey)];
        if (own < 0 || theirs < 0) continue;
        (theirs > own ? channels.containing : channels.contained).push(witness(other, otherSeries));
        break;
      }
    }
    const neighbours = neighboursOf(context, parameter, deviceId).map((neighbour) => witness(parameter, neighbour));
    const scope = seriesScope(context, parameter, series, settings);
    record(deviceId, parameter, series, 'spike', checkSpikes(witness(parameter, series), neighbours, channels, scope, settings.spike));
  });
}

function eachSeries(context: QualityContext, visit: (deviceId: string, parameter: string, series: Series) => void): void {
  for (const [deviceId, byParameter] of context.index) for (const [parameter, series] of byParameter) visit(deviceId, parameter, series);
}

function neighboursOf(context: QualityContext, parameter: string, deviceId: string): Series[] {
  return context.neighbours.get(parameter)?.get(deviceId) ?? [];
}

function seriesScope(context: QualityContext, parameter: string, series: Series, settings: QualityConfig) {
  const cadenceMs = cadenceOrHour(series);
  return { parameter: parameterSettings(context, parameter), cadenceMs, maxGapMs: settings.maxGapSteps * cadenceMs };
}

/** The settings buildContext resolved for every parameter it indexed. */
function parameterSettings(context: QualityContext, parameter: string): ParameterSettings {
  const found = context.parameters.get(parameter);
  if (!found) throw new QualityError(`no settings for parameter ${parameter}`, { parameter });
  return found;
}

/** The context again without the readings flagged invalid so far (the same context when there are none). */
function withoutInvalid(context: QualityContext, input: QualityInput, invalid: ReadonlySet<string>, settings: QualityConfig): QualityContext {
  if (invalid.size === 0) return context;
  return buildContext(input.sites, withoutReadings(input, (deviceId, parameter, ts) => invalid.has(readingKey(deviceId, parameter, ts))), settings);
}

function readingKey(deviceId: string, parameter: string, ts: number): string {
  return `${deviceId}\u0000${parameter}\u0000${ts}`;
}

function compareFlags(a: QualityFlag, b: QualityFlag): number {
  if (a.deviceId !== b.deviceId) return a.deviceId < b.deviceId ? -1 : 1;
  if (a.parameter !== b.parameter) return a.parameter < b.parameter ? -1 : 1;
  if (a.ts !== b.ts) return a.ts - b.ts;
  return QUALITY_CHECKS.indexOf(a.check) - QUALITY_CHECKS.indexOf(b.check);
}
