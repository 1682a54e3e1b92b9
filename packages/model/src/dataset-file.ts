import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { Observation } from '@airfill/features';
import type { Dataset } from './dataset';
import { DataError } from './errors';

/**
 * A dataset as one file (gzip-compressed JSON), so the steps of a training
 * run all work on the very data the first step read, whatever the database
 * holds by then. Observations keep their order (masks are drawn by position),
 * stored column by column: sensor and parameter as indexes into their lists,
 * times as differences to the previous one, values with null for missing.
 */
const datasetFileSchema = z
  .object({
    format: z.literal('airfill-dataset-1'),
    sites: z.array(z.object({ deviceId: z.string().min(1), latitude: z.number(), longitude: z.number() })),
    parameters: z.array(z.string().min(1)),
    devices: z.array(z.string().min(1)),
    observations: z.object({
      device: z.array(z.number().int().nonnegative()),
      parameter: z.array(z.number().int().nonnegative()),
      tsDelta: z.array(z.number()),
      value: z.array(z.number().nullable()),
    }),
  })
  .refine((file) => {
    const { device, parameter, tsDelta, value } = file.observations;
    return device.length === parameter.length && device.length === tsDelta.length && device.length === value.length;
  }, 'the observation columns differ in length');

/** Encodes a dataset as gzip-compressed JSON. */
export function encodeDataset(dataset: Dataset): Buffer {
  const devices = new Map<string, number>();
  const parameters = new Map<string, number>(dataset.parameters.map((name, index) => [name, index]));
  const indexOf = (map: Map<string, number>, key: string) => {
    let index = map.get(key);
    if (index === undefined) {
      index = map.size;
      map.set(key, index);
    }
    return index;
  };
  const count = dataset.observations.length;
  const columns = { device: new Array<number>(count), parameter: new Array<number>(count), tsDelta: new Array<number>(count), value: new Array<number | null>(count) };
  let previous = 0;
  dataset.observations.forEach((observation, at) => {
    columns.device[at] = indexOf(devices, observation.deviceId);
    columns.parameter[at] = indexOf(parameters, observation.parameter);
    columns.tsDelta[at] = observation.ts - previous;
    previous = observation.ts;
    columns.value[at] = observation.value !== null && Number.isFinite(observation.value) ? observation.value : null;
  });
  const file = { format: 'airfill-dataset-1', sites: dataset.sites, parameters: [...parameters.keys()], devices: [...devices.keys()], observations: columns };
  return gzipSync(JSON.stringify(file), { level: 6 });
}

/** Decodes what `encodeDataset` wrote; anything else is a `DataError` saying what is wrong. */
export function decodeDataset(bytes: Buffer): Dataset {
  let raw: unknown;
  try {
    raw = JSON.parse(gunzipSync(bytes).toString('utf8'));
  } catch (error) {
    throw new DataError('the dataset file is not gzip-compressed JSON', {}, { cause: error });
  }
  const parsed = datasetFileSchema.safeParse(raw);
  if (!parsed.success) throw new DataError(`the dataset file is not an airfill dataset: ${parsed.error.issues[0]?.message ?? ''}`, { issues: parsed.error.issues.slice(0, 5) });
  const file = parsed.data;
  const { device, parameter, tsDelta, value } = file.observations;
  const observations: Observation[] = new Array(device.length);
  let ts = 0;
  for (let at = 0; at < device.length; at += 1) {
    ts += tsDelta[at] as number;
    const deviceId = file.devices[device[at] as number];
    const name = file.parameters[parameter[at] as number];
    if (deviceId === undefined || name === undefined) throw new DataError(`observation ${at} of the dataset file names a sensor or parameter it does not list`, { at });
    observations[at] = { deviceId, parameter: name, ts, value: value[at] as number | null };
  }
  return { sites: file.sites, observations, parameters: file.parameters };
}
