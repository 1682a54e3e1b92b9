import { nearestNeighbours, type SensorSite, type Series, type SeriesIndex } from '@airfill/features';
import type { QualityConfig } from './config';
import { indexReadings, type ReadingsInput } from './readings';
import { DEFAULT_PARAMETER_SETTINGS, inferParameterSettings, parameterKey, type ParameterSettings } from './parameters';
import { cadenceOf, HOUR_MS, resolutionOf } from './series-stats';

/** The readings of a window indexed for the checks: sorted series, settings per parameter, neighbours per parameter. */
export interface QualityContext {
  index: SeriesIndex;
  /** parameter -> settings (defaults, configuration, or inferred from the data). */
  parameters: Map<string, ParameterSettings>;
  /** parameter -> device -> the neighbours' series of that parameter, nearest first. */
  neighbours: Map<string, Map<string, Series[]>>;
}

/**
 * Indexes observations (missing values left out) and finds, per parameter,
 * each sensor's nearest `neighbours.count` sensors within `neighbours.maxKm`
 * that report it. Sensors without a site have no neighbours.
 */
export function buildContext(sites: readonly SensorSite[], readings: ReadingsInput, config: QualityConfig): QualityContext {
  const index = indexReadings(readings);
  const byParameter = new Map<string, Map<string, Series>>();
  for (const [deviceId, series] of index) {
    for (const [parameter, one] of series) {
      let devices = byParameter.get(parameter);
      if (!devices) byParameter.set(parameter, (devices = new Map()));
      devices.set(deviceId, one);
    }
  }
  const parameters = new Map<string, ParameterSettings>();
  const neighbours = new Map<string, Map<string, Series[]>>();
  for (const [parameter, devices] of byParameter) {
    parameters.set(parameter, resolveSettings(parameter, [...devices.values()], config));
    const lists = nearestNeighbours(sites as SensorSite[], new Set(devices.keys()), config.neighbours.count);
    const perDevice = new Map<string, Series[]>();
    for (const [deviceId, list] of lists) {
      if (!devices.has(deviceId)) continue;
      perDevice.set(
        deviceId,
        list.filter((neighbour) => neighbour.km <= config.neighbours.maxKm).map((neighbour) => devices.get(neighbour.deviceId) as Series),
      );
    }
    neighbours.set(parameter, perDevice);
  }
  return { index, parameters, neighbours };
}

function resolveSettings(parameter: string, series: readonly Series[], config: QualityConfig): ParameterSettings {
  const key = parameterKey(parameter);
  const override = Object.entries(config.parameters).find(([name]) => parameterKey(name) === key)?.[1];
  const base = DEFAULT_PARAMETER_SETTINGS[key] ?? inferFrom(series);
  return { kind: override?.kind ?? base.kind, scale: override?.scale ?? base.scale, drift: override?.drift ?? base.drift };
}

function inferFrom(series: readonly Series[]): ParameterSettings {
  const total = series.reduce((sum, one) => sum + one.values.length, 0);
  const values = new Float64Array(total);
  let at = 0;
  for (const one of series) {
    values.set(one.values, at);
    at += one.values.length;
  }
  return inferParameterSettings(values, resolutionOf(values));
}

/** A series' cadence, one hour when it cannot tell (fewer than two readings). */
export function cadenceOrHour(series: Series): number {
  const cadence = cadenceOf(series.ts);
  return Number.isFinite(cadence) && cadence > 0 ? cadence : HOUR_MS;
}
