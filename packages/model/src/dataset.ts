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
