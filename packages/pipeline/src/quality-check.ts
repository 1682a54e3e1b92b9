import {
  finishQualityCheck,
  getQualityCheck,
  lastCheckedUntil,
  readingsSpan,
  readQualityWindow,
  recordAlerts,
  startQualityCheck,
  writeQualityFlags,
  type Database,
} from '@airfill/db';
import {
  countReadings,
  findAlertEpisodes,
  forEachReading,
  parseQualityConfig,
  QUALITY_CHECKS,
  QualityConfigError,
  reconcileAlerts,
  runQualityChecks,
  type AlertEpisode,
  type QualityConfig,
  type QualityConfigInput,
  type QualityFlag,
} from '@airfill/quality';
import {
  plausibilityConfigSchema,
  QUALITY_ALERTS_METRIC,
  qualityCheckEventSchema,
  type LambdaEnvFor,
  type PlausibilityConfigInput,
  type QualityCheckEvent,
  type QualityCheckResult,
} from '@airfill/schema';
import { alertNotices } from './alert-notices';
import { InputError } from './errors';
import { runIdForExecution } from './ids';
import type { Logger } from './logger';

/** What quality-check works with. */
export interface QualityCheckDeps {
  database: Database;
  logger: Logger;
}

/** How quality-check is configured (the Lambda environment, or `airfill run`'s options). */
export interface QualityCheckSettings {
  /** The checks' thresholds (`@airfill/quality`); every field defaulted. */
  config?: QualityConfigInput;
  /** The loader's plausibility configuration: the range check applies the same ranges. */
  plausibility?: PlausibilityConfigInput;
  /**
   * Without a window in the input, a run starts this long before where the
   * last finished run stopped, for readings that arrive late. @default 48
   */
  recheckHours?: number;
  /** The window is checked in pieces of this many days (bounded memory). @default 92 */
  chunkDays?: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * How much is read around a piece of the window: the checks judge drift
 * against the sensor's usual relation over `baselineDays` around each day,
 * so the step reads that much history before the piece (and half of it
 * after, where the data goes on), rather than keeping a baseline per sensor
 * between runs; without drift, two days around serve stuck runs and spikes.
 */
export function contextAround(config: QualityConfig): { beforeMs: number; afterMs: number } {
  if (!config.drift.enabled) return { beforeMs: 2 * DAY_MS, afterMs: 2 * DAY_MS };
  return { beforeMs: config.drift.baselineDays * DAY_MS, afterMs: Math.max(2 * DAY_MS, (config.drift.baselineDays / 2) * DAY_MS) };
}

/** quality-check's settings from its Lambda environment: the JSON of AIRFILL_QUALITY_CONFIG (validated when the step runs) and AIRFILL_PLAUSIBILITY (validated with the environment). */
export function qualityCheckSettingsFromEnv(env: LambdaEnvFor<'qualityCheck'>): QualityCheckSettings {
  let config: unknown;
  try {
    config = JSON.parse(env.AIRFILL_QUALITY_CONFIG);
  } catch (error) {
    throw new InputError(`AIRFILL_QUALITY_CONFIG is not JSON: ${(error as Error).message}`, { variable: 'AIRFILL_QUALITY_CONFIG' });
  }
  return { config: config as QualityConfigInput, plausibility: env.AIRFILL_PLAUSIBILITY };
}

function parseSettings(settings: QualityCheckSettings): { config: QualityConfig; plausibility: PlausibilityConfigInput } {
  try {
    const config = parseQualityConfig(settings.config ?? {});
    const plausibility = plausibilityConfigSchema.safeParse(settings.plausibility ?? {});
    if (!plausibility.success) throw new InputError(`invalid plausibility settings: ${plausibility.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`, {});
    return { config, plausibility: plausibility.data };
  } catch (error) {
    if (error instanceof QualityConfigError) throw new InputError(error.message, error.context, { cause: error });
    throw error;
  }
}

/**
 * The window to flag: the one a retried run already chose; else the input's
 * bounds, else from where the last finished run stopped (less
 * `recheckHours`), or the first stored reading, to just after the last one.
 * Null when nothing is stored or the window is empty.
 */
async function resolveWindow(database: Database, runId: string, event: ReturnType<typeof qualityCheckEventSchema.parse>, recheckHours: number) {
  const span = await readingsSpan(database);
  if (!span) return null;
  const earlier = await getQualityCheck(database, runId);
  if (earlier) return { from: earlier.window.from.getTime(), to: earlier.window.to.getTime(), dataEnd: Math.max(span.last + 1, earlier.read.to.getTime()) };
  const to = event.input.to ? Date.parse(event.input.to) : span.last + 1;
  let from = event.input.from ? Date.parse(event.input.from) : span.first;
  if (!event.input.from) {
    const until = await lastCheckedUntil(database);
    if (until !== null) from = Math.max(span.first, until - recheckHours * HOUR_MS);
  }
  return from < to ? { from, to, dataEnd: span.last + 1 } : null;
}

/**
 * Quality control of the readings before the fill: runs every check of
 * `@airfill/quality` over every parameter of the window (in pieces of
 * `chunkDays`, each read with its drift baseline before it), stores the
 * flags set-based (a reading and check is flagged once; a cleared flag stays
 * cleared), turns the values of new `invalid` flags into missing (raw kept),
 * so the fill that follows fills them, and raises one alert per sensor and
 * new episode of silence, stuck values or drift (a warning log line each and
 * the `QualityAlertsRaised` metric, which the alarm sends to SNS).
 *
 * A retry does the same work again and stores nothing twice; the result
 * counts what the run stored over all its attempts.
 */
export async function qualityCheck(deps: QualityCheckDeps, settings: QualityCheckSettings, rawEvent: QualityCheckEvent): Promise<QualityCheckResult> {
  const event = qualityCheckEventSchema.parse(rawEvent);
  const { config, plausibility } = parseSettings(settings);
  const runId = runIdForExecution(event.executionId);
  const logger = deps.logger.child({ runId, step: QUALITY_ALERTS_METRIC.step });
  const window = await resolveWindow(deps.database, runId, event, settings.recheckHours ?? 48);
  if (!window) {
    logger.info('nothing to check: no readings in the window');
    logger.metrics({ ReadingsChecked: 0, [QUALITY_ALERTS_METRIC.name]: 0 });
    return { runId, window: null, readings: 0, invalid: 0, suspect: 0, nulled: 0, alertsRaised: 0, alerts: [] };
  }
  const around = contextAround(config);
  const readTo = Math.max(window.to, Math.min(window.dataEnd, window.to + around.afterMs));
  await startQualityCheck(deps.database, {
    runId,
    window: { from: new Date(window.from), to: new Date(window.to) },
    read: { from: new Date(window.from - around.beforeMs), to: new Date(readTo) },
  });

  const chunkMs = (settings.chunkDays ?? 92) * DAY_MS;
  const episodes: AlertEpisode[] = [];
  let readings = 0;
  for (let from = window.from; from < window.to; from += chunkMs) {
    const to = Math.min(window.to, from + chunkMs);
    const read = { from: from - around.beforeMs, to: Math.max(to, Math.min(window.dataEnd, to + around.afterMs)) };
    const data = await readQualityWindow(deps.database, { from: new Date(read.from), to: new Date(read.to) }, QUALITY_CHECKS);
    const started = performance.now();
    const { flags } = runQualityChecks({ sites: data.sites, series: data.series, channels: data.channels, plausibility }, config);
    const inPiece = (ts: number) => ts >= from && ts < to;
    const stored = await writeQualityFlags(deps.database, runId, flags.filter((flag) => inPiece(flag.ts)));
    const cleared = new Set(data.cleared.map((flag) => `${flag.deviceId}\u0000${flag.parameter}\u0000${flag.ts}\u0000${flag.check}`));
    const upheld = flags.filter((flag: QualityFlag) => !cleared.has(`${flag.deviceId}\u0000${flag.parameter}\u0000${flag.ts}\u0000${flag.check}`));
    episodes.push(...findAlertEpisodes({ series: data.series, flags: upheld, window: { from, to }, dataEnd: read.to }, config.alerts));
    let checked = 0;
    forEachReading(data, (_device, _parameter, ts) => {
      if (inPiece(ts)) checked += 1;
    });
    readings += checked;
    logger.info('checked readings', {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      read: countReadings(data),
      checked,
      ms: Math.round(performance.now() - started),
      ...stored,
    });
  }

  const raised = await recordAlerts(deps.database, { runId, window, marginMs: config.alerts.joinHours * HOUR_MS }, (known) => reconcileAlerts(known, episodes, config.alerts.joinHours));
  for (const alert of raised) {
    logger.warn('quality alert raised', { deviceId: alert.deviceId, parameter: alert.parameter, kind: alert.kind, from: alert.startedAt.toISOString(), to: alert.endedAt.toISOString(), detail: alert.detail });
  }
  const record = await finishQualityCheck(deps.database, runId, readings);
  const result: QualityCheckResult = {
    runId,
    window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
    readings,
    invalid: record.invalid,
    suspect: record.suspect,
    nulled: record.nulled,
    alertsRaised: record.alertsRaised,
    alerts: alertNotices(raised, runId),
  };
  logger.info('quality check done', { ...result, alerts: result.alerts.length });
  logger.metrics({
    ReadingsChecked: readings,
    FlagsInvalid: record.invalid,
    FlagsSuspect: record.suspect,
    ValuesInvalidated: record.nulled,
    [QUALITY_ALERTS_METRIC.name]: record.alertsRaised,
  });
  return result;
}
