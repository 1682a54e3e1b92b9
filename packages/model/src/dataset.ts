import type { Observation, SensorSite } from '@airfill/features';
import { DataError } from './errors';

/** A whole file in memory: every sensor's site and every reading of every parameter. */
export interface Dataset {
  sites: SensorSite[];
  /** Sorted by time; `value` null when missing. */
  observations: Observation[];
  parameters: string[];
}

/** The fields of a CSV reading (`CsvReading` of @airfill/schema) the model needs. */
export interface ReadingLike {
  ts: string;
  value: number | null;
  parameter: string;
  sensor: { deviceId: string; latitude: number; longitude: number };
}

/** Collects readings (e.g. from `readReadingsCsv`) into a dataset; the first site seen for a device wins. */
export async function datasetFromReadings(readings: AsyncIterable<ReadingLike> | Iterable<ReadingLike>): Promise<Dataset> {
  const sites = new Map<string, SensorSite>();
  const observations: Observation[] = [];
  const parameters = new Set<string>();
  for await (const reading of readings) {
    const { deviceId, latitude, longitude } = reading.sensor;
    if (!sites.has(deviceId)) sites.set(deviceId, { deviceId, latitude, longitude });
    parameters.add(reading.parameter);
    observations.push({ deviceId, parameter: reading.parameter, ts: Date.parse(reading.ts), value: reading.value });
  }
  observations.sort((a, b) => a.ts - b.ts);
  return { sites: [...sites.values()], observations, parameters: [...parameters].sort() };
}

/** Throws a DataError unless the dataset has observed values of `parameter`. */
export function requireParameter(dataset: Dataset, parameter: string): void {
  if (!dataset.observations.some((observation) => observation.parameter === parameter && observation.value !== null)) {
    throw new DataError(`no observed values of "${parameter}" (parameters in the data: ${dataset.parameters.join(', ') || 'none'})`, {
      parameter,
    });
  }
}

/** What a parameter needs before a model of it is worth training (neighbours for the spatial features, enough values to mask). */
export const MIN_TRAINING_DATA = { observed: 500, sensors: 2 } as const;

/** Which parameters of a dataset have enough observed data to train on, and why the others do not. */
export function trainableParameters(
  dataset: Dataset,
  minimum: { observed: number; sensors: number } = MIN_TRAINING_DATA,
): { trainable: string[]; tooLittle: { parameter: string; observed: number; sensors: number; reason: string }[] } {
  const observed = new Map<string, number>();
  const sensors = new Map<string, Set<string>>();
  for (const observation of dataset.observations) {
    if (observation.value === null) continue;
    observed.set(observation.parameter, (observed.get(observation.parameter) ?? 0) + 1);
    let devices = sensors.get(observation.parameter);
    if (!devices) sensors.set(observation.parameter, (devices = new Set()));
    devices.add(observation.deviceId);
  }
  const trainable: string[] = [];
  const tooLittle: { parameter: string; observed: number; sensors: number; reason: string }[] = [];
  for (const parameter of dataset.parameters) {
    const values = observed.get(parameter) ?? 0;
    const devices = sensors.get(parameter)?.size ?? 0;
    if (values >= minimum.observed && devices >= minimum.sensors) trainable.push(parameter);
    else {
      tooLittle.push({
        parameter,
        observed: values,
        sensors: devices,
        reason: `${values.toLocaleString('en-US')} observed value(s) at ${devices} sensor(s); a model needs at least ${minimum.observed.toLocaleString('en-US')} at ${minimum.sensors} or more`,
      });
    }
  }
  return { trainable, tooLittle };
}
