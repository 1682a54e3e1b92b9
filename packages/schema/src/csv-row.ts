import { z } from 'zod';
import { parseOffsetTimestamp } from './timestamp';

/** Every column of the input contract (DESIGN section 3). Order in a file is free. */
export const CSV_COLUMNS = [
  'timestamp',
  'value',
  'parameter',
  'device_id',
  'chip_id',
  'sensor_type',
  'sensor_id',
  'location_id',
  'location',
  'street_name',
  'city',
  'country',
  'latitude',
  'longitude',
  'deployment_date',
] as const;

/** A column name of the input contract. */
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Columns a file must have; the others may be absent (their values are then unknown). */
export const REQUIRED_CSV_COLUMNS: readonly CsvColumn[] = [
  'timestamp',
  'value',
  'parameter',
  'device_id',
  'latitude',
  'longitude',
];

/** Missing-value markers besides the sentinel and the empty cell (compared case-insensitively). */
const MISSING_MARKERS = new Set(['nan', 'null', 'na', 'n/a']);

/** The default sentinel low-cost sensors write for "no reading". */
export const DEFAULT_SENTINEL = 65535;

const optionalText = z
  .string()
  .optional()
  .transform((text) => {
    const trimmed = text?.trim();
    return trimmed ? trimmed : null;
  });

const requiredText = (what: string) =>
  z.string({ error: `${what} is missing` }).trim().min(1, { error: `${what} is empty` });

const coordinate = (what: string, limit: number) =>
  z
    .string({ error: `${what} is missing` })
    .trim()
    .min(1, { error: `${what} is empty` })
    .transform((text, ctx) => {
      const number = Number(text);
      if (!Number.isFinite(number)) {
        ctx.issues.push({ code: 'custom', input: text, message: `${what} "${text}" is not a number` });
        return z.NEVER;
      }
      if (Math.abs(number) > limit) {
        ctx.issues.push({ code: 'custom', input: text, message: `${what} ${number} is outside -${limit}..${limit}` });
        return z.NEVER;
      }
      return number;
    });

const deploymentDate = z
  .string()
  .optional()
  .transform((text, ctx) => {
    const trimmed = text?.trim();
    if (!trimmed) return null;
    const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(trimmed);
    const date = match ? new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`) : null;
    if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== match[0]) {
      ctx.issues.push({ code: 'custom', input: text, message: `deployment_date "${trimmed}" is not a date (YYYY-MM-DD)` });
      return z.NEVER;
    }
    return match[0];
  });

/**
 * Builds the schema of one CSV row. Input: the row's cells keyed by column name
 * (strings, as read). Output: a typed reading plus the metadata of its sensor.
 * `value` is `null` when the cell is empty, a missing marker (`NaN`, ...) or the
 * sentinel; `rawValue` keeps the cell exactly as received.
 */
export function makeCsvRowSchema(options: { sentinel?: number } = {}) {
  const sentinel = options.sentinel ?? DEFAULT_SENTINEL;
  return z
    .object({
      timestamp: z.string({ error: 'timestamp is missing' }).transform((text, ctx) => {
        const parsed = parseOffsetTimestamp(text);
        if (!parsed.ok) {
          ctx.issues.push({ code: 'custom', input: text, message: parsed.reason });
          return z.NEVER;
        }
        return parsed.iso;
      }),
      value: z.string({ error: 'value is missing' }).transform((text, ctx) => {
        const trimmed = text.trim();
        if (trimmed === '' || MISSING_MARKERS.has(trimmed.toLowerCase())) return { value: null, raw: text };
        const number = Number(trimmed);
        if (!Number.isFinite(number)) {
          ctx.issues.push({ code: 'custom', input: text, message: `value "${text}" is not a number` });
          return z.NEVER;
        }
        return { value: number === sentinel ? null : number, raw: text };
      }),
      parameter: requiredText('parameter'),
      device_id: requiredText('device_id'),
      chip_id: optionalText,
      sensor_type: optionalText,
      sensor_id: optionalText,
      location_id: optionalText,
      location: optionalText,
      street_name: optionalText,
      city: optionalText,
      country: optionalText,
      latitude: coordinate('latitude', 90),
      longitude: coordinate('longitude', 180),
      deployment_date: deploymentDate,
    })
    .transform((row) => {
      return {
        ts: row.timestamp,
        value: row.value.value,
        rawValue: row.value.raw,
        parameter: row.parameter,
        sensor: {
          deviceId: row.device_id,
          chipId: row.chip_id,
          locationId: row.location_id,
          location: row.location,
          streetName: row.street_name,
          city: row.city,
          country: row.country,
          latitude: row.latitude,
          longitude: row.longitude,
          deploymentDate: row.deployment_date,
        },
        channel: { sensorId: row.sensor_id, sensorType: row.sensor_type },
      };
    });
}

/** The schema of one CSV row with the default sentinel. */
export const csvRowSchema = makeCsvRowSchema();

/** One validated row of the input contract. */
export type CsvReading = z.output<ReturnType<typeof makeCsvRowSchema>>;

/** The sensor (device) a reading belongs to. */
export type SensorMetadata = CsvReading['sensor'];
