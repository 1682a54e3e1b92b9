import { z } from 'zod';
import { parseOffsetTimestamp, quoteCell } from './timestamp';

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
export const REQUIRED_CSV_COLUMNS: readonly CsvColumn[] = ['timestamp', 'value', 'parameter', 'device_id', 'latitude', 'longitude'];

/** The default sentinel low-cost sensors write for "no reading". */
export const DEFAULT_SENTINEL = 65535;

/** Missing-value markers besides the sentinel and the empty cell (compared case-insensitively). */
const MISSING_MARKERS = new Set(['nan', 'null', 'na', 'n/a']);

/** Interprets a value cell: a number, `null` for missing, or why it is neither. */
export function interpretValue(text: string, sentinel: number): { value: number | null } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '' || MISSING_MARKERS.has(trimmed.toLowerCase())) return { value: null };
  const number = Number(trimmed);
  if (!Number.isFinite(number)) return { error: `value ${quoteCell(text)} is not a number` };
  return { value: number === sentinel ? null : number };
}

function coordinate(text: string, what: string, limit: number): number | string {
  const trimmed = text.trim();
  if (trimmed === '') return `${what} is empty`;
  const number = Number(trimmed);
  if (!Number.isFinite(number)) return `${what} ${quoteCell(text)} is not a number`;
  if (Math.abs(number) > limit) return `${what} ${number} is outside -${limit}..${limit}`;
  return number;
}

/**
 * A copy of a string that shares no memory with the text it was cut from.
 * V8 keeps substrings as views of their parent, so keeping a cell of a CSV
 * chunk alive keeps the whole chunk (a megabyte) alive.
 */
export function detachString(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** Wraps a pure function of a string with a bounded memo (cleared when full); kept keys are detached copies. */
export function memoize<T>(fn: (text: string) => T, capacity = 4096): (text: string) => T {
  const memo = new Map<string, T>();
  return (text) => {
    let result = memo.get(text);
    if (result === undefined) {
      if (memo.size >= capacity) memo.clear();
      result = fn(text);
      memo.set(detachString(text), result);
    }
    return result;
  };
}

function deploymentDate(text: string): string | null | { error: string } {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:$|[ T])/.exec(trimmed);
  const day = match ? `${match[1]}-${match[2]}-${match[3]}` : '';
  const date = new Date(`${day}T00:00:00Z`);
  if (!match || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) {
    return { error: `deployment_date ${quoteCell(trimmed)} is not a date (YYYY-MM-DD)` };
  }
  return day;
}

const optionalText = (text: string | undefined): string | null => {
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
};

/** The cells of one row, keyed by column: every present column is text. */
const csvCellsSchema = z.object({
  timestamp: z.string({ error: 'timestamp is missing' }),
  value: z.string({ error: 'value is missing' }),
  parameter: z.string({ error: 'parameter is missing' }),
  device_id: z.string({ error: 'device_id is missing' }),
  latitude: z.string({ error: 'latitude is missing' }),
  longitude: z.string({ error: 'longitude is missing' }),
  chip_id: z.string().optional(),
  sensor_type: z.string().optional(),
  sensor_id: z.string().optional(),
  location_id: z.string().optional(),
  location: z.string().optional(),
  street_name: z.string().optional(),
  city: z.string().optional(),
  country: z.string().optional(),
  deployment_date: z.string().optional(),
});

type Issues = { code: 'custom'; input: unknown; path: PropertyKey[]; message: string }[];

function reportProblem(issues: unknown[], cells: Partial<Record<CsvColumn, string>>, column: CsvColumn, message: string): void {
  (issues as Issues).push({ code: 'custom', input: cells[column], path: [column], message });
}

/**
 * Builds the schema of one CSV row. Input: the row's cells keyed by column
 * name (strings, as read). Output: a typed reading plus its sensor's metadata.
 * `value` is `null` when the cell is empty, a missing marker (`NaN`, ...) or
 * the sentinel; `rawValue` keeps the cell exactly as received; `ts` is the
 * instant in UTC (ISO 8601, microseconds kept). Every problem of the row is
 * reported as an issue whose path is the column.
 *
 * One transform interprets all cells: per-field zod pipes cost 20x more, and
 * the loader runs this a million times per file.
 */
export function makeCsvRowSchema(options: { sentinel?: number | undefined } = {}) {
  const sentinel = options.sentinel ?? DEFAULT_SENTINEL;
  // Every sensor and parameter repeats a timestamp, every row of a device its
  // deployment date: remembering recent answers saves most of the parsing.
  const parseTimestamp = memoize(parseOffsetTimestamp);
  const parseDeploymentDate = memoize(deploymentDate);
  return csvCellsSchema.transform((cells, ctx) => {
    const timestamp = parseTimestamp(cells.timestamp);
    if (!timestamp.ok) reportProblem(ctx.issues, cells, 'timestamp', timestamp.reason);
    const value = interpretValue(cells.value, sentinel);
    if ('error' in value) reportProblem(ctx.issues, cells, 'value', value.error);
    const parameter = cells.parameter.trim();
    if (parameter === '') reportProblem(ctx.issues, cells, 'parameter', 'parameter is empty');
    const deviceId = cells.device_id.trim();
    if (deviceId === '') reportProblem(ctx.issues, cells, 'device_id', 'device_id is empty');
    const latitude = coordinate(cells.latitude, 'latitude', 90);
    if (typeof latitude === 'string') reportProblem(ctx.issues, cells, 'latitude', latitude);
    const longitude = coordinate(cells.longitude, 'longitude', 180);
    if (typeof longitude === 'string') reportProblem(ctx.issues, cells, 'longitude', longitude);
    const deployed = parseDeploymentDate(cells.deployment_date ?? '');
    if (deployed !== null && typeof deployed === 'object') reportProblem(ctx.issues, cells, 'deployment_date', deployed.error);
    if (ctx.issues.length > 0 || !timestamp.ok || 'error' in value || typeof latitude === 'string' || typeof longitude === 'string') {
      return z.NEVER;
    }
    return {
      ts: timestamp.iso,
      value: value.value,
      rawValue: cells.value,
      parameter,
      sensor: {
        deviceId,
        chipId: optionalText(cells.chip_id),
        locationId: optionalText(cells.location_id),
        location: optionalText(cells.location),
        streetName: optionalText(cells.street_name),
        city: optionalText(cells.city),
        country: optionalText(cells.country),
        latitude,
        longitude,
        deploymentDate: deployed as string | null,
      },
      channel: { sensorId: optionalText(cells.sensor_id), sensorType: optionalText(cells.sensor_type) },
    };
  });
}

/** One validated row of the input contract. */
export type CsvReading = z.output<ReturnType<typeof makeCsvRowSchema>>;

/** The sensor (device) a reading belongs to. */
export type SensorMetadata = CsvReading['sensor'];
