import { z } from 'zod';
import { detachString } from './csv-row';

/**
 * Plausibility at the door: a value a sensor cannot physically have measured
 * (outside its parameter's range) is stored with its raw text, flagged
 * invalid and treated as missing, never used as truth; a value a device
 * writes for "no reading" (its own sentinel) is missing.
 */

/** Values outside `[min, max]` cannot be measurements of the parameter. */
export const valueRangeSchema = z
  .object({ min: z.number().finite(), max: z.number().finite() })
  .strict()
  .refine((range) => range.min <= range.max, 'min must not be above max');
export type ValueRange = z.output<typeof valueRangeSchema>;

const rangesSchema = z.record(z.string().trim().min(1), valueRangeSchema);
const sentinelsSchema = z.array(z.number().finite());

/**
 * The plausibility settings (`--plausibility file.json`): ranges by
 * parameter over the defaults, and per sensor type (the CSV's `sensor_type`)
 * ranges over those and extra sentinels; per device extra sentinels.
 */
export const plausibilityConfigSchema = z
  .object({
    ranges: rangesSchema.default({}),
    sensorTypes: z.record(z.string().trim().min(1), z.object({ ranges: rangesSchema.default({}), sentinels: sentinelsSchema.default([]) }).strict()).default({}),
    devices: z.record(z.string().trim().min(1), z.object({ sentinels: sentinelsSchema.default([]) }).strict()).default({}),
  })
  .strict();
export type PlausibilityConfig = z.output<typeof plausibilityConfigSchema>;
export type PlausibilityConfigInput = z.input<typeof plausibilityConfigSchema>;

/** How parameters are matched: case, spaces, dashes and underscores ignored (`PM 2.5` = `pm2.5` = `PM_2.5`). */
export function parameterKey(parameter: string): string {
  return parameter.toLowerCase().replace(/[\s_-]+/g, '');
}

/**
 * Default physical ranges (units as the bundled sample and most networks
 * report them: µg/m³, °C, %). They are bounds of the possible, not of the
 * usual, so they catch sentinels and broken values without touching
 * extreme but real air:
 * - particulate matter: never negative; 2,000 µg/m³ (PM1, PM2.5) and 5,000
 *   (PM10) are above the highest hourly values recorded in smog and dust
 *   episodes and above what low-cost optical sensors can report (SDS011 and
 *   PMS5003 datasheets: 999.9 and 1,000 µg/m³); the same bounds as the
 *   pipeline's check of predictions;
 * - gases (NO2, O3, SO2 in µg/m³ or ppb; CO in µg/m³): never negative, upper
 *   bounds far above urban records;
 * - temperature: -90 to 70 °C (world records: -89.2 °C at Vostok, 56.7 °C
 *   in Death Valley; a housing in the sun reads higher, not 70 higher);
 * - relative humidity: 0 to 100 %.
 * Parameters without a default are not range-checked unless configured.
 */
export const DEFAULT_RANGES: Readonly<Record<string, ValueRange>> = {
  pm1: { min: 0, max: 2000 },
  'pm2.5': { min: 0, max: 2000 },
  pm25: { min: 0, max: 2000 },
  pm10: { min: 0, max: 5000 },
  no2: { min: 0, max: 5000 },
  o3: { min: 0, max: 5000 },
  so2: { min: 0, max: 10000 },
  co: { min: 0, max: 100000 },
  temperature: { min: -90, max: 70 },
  humidity: { min: 0, max: 100 },
  relativehumidity: { min: 0, max: 100 },
};

/** What the door says about one value. */
export type PlausibilityVerdict =
  | { kind: 'ok' }
  /** The device's (or its sensor type's) own "no reading": missing. */
  | { kind: 'sentinel'; detail: string }
  /** Cannot be a measurement: stored, flagged invalid, treated as missing. */
  | { kind: 'invalid'; check: 'range'; detail: string };

/** The reading a verdict is about. */
export interface PlausibilityInput {
  deviceId: string;
  parameter: string;
  sensorType: string | null;
  value: number;
}

const OK: PlausibilityVerdict = { kind: 'ok' };

/** A parameter's range and where it comes from (`default`, `configured`, `sensor type SDS011`). */
export interface ResolvedRange {
  range: ValueRange;
  source: string;
}

/** Finds the range of a parameter for a sensor type, or null when the parameter is not range-checked. */
export type RangeLookup = (parameter: string, sensorType: string | null) => ResolvedRange | null;

/**
 * The ranges of a plausibility configuration, as the loader and the quality
 * checks both apply them (one source, so the door and the checks cannot
 * disagree): the sensor type's range, else the configured one, else the
 * default.
 */
export function makeRangeLookup(config: PlausibilityConfigInput = {}): RangeLookup {
  const parsed = plausibilityConfigSchema.parse(config);
  const ranges = new Map<string, ResolvedRange>();
  for (const [parameter, range] of Object.entries(DEFAULT_RANGES)) ranges.set(parameter, { range, source: 'default' });
  for (const [parameter, range] of Object.entries(parsed.ranges)) ranges.set(parameterKey(parameter), { range, source: 'configured' });
  const byType = new Map(
    Object.entries(parsed.sensorTypes).map(([type, settings]) => [type.trim(), new Map(Object.entries(settings.ranges).map(([parameter, range]) => [parameterKey(parameter), range]))]),
  );
  // A file repeats few (parameter, sensor type) pairs: remember the range each resolves to (the loader asks a million times).
  const resolved = new Map<string, Map<string, ResolvedRange | null>>();
  return (parameter, sensorType) => {
    let byTypeOfParameter = resolved.get(parameter);
    // Keys are detached: a cell of a CSV chunk would keep the whole chunk alive.
    if (!byTypeOfParameter) resolved.set(detachString(parameter), (byTypeOfParameter = new Map()));
    let entry = byTypeOfParameter.get(sensorType ?? '');
    if (entry === undefined) {
      const own = sensorType ? byType.get(sensorType)?.get(parameterKey(parameter)) : undefined;
      entry = own ? { range: own, source: `sensor type ${sensorType}` } : (ranges.get(parameterKey(parameter)) ?? null);
      byTypeOfParameter.set(detachString(sensorType ?? ''), entry);
    }
    return entry;
  };
}

/** Why a value is out of its range, in the words every `range` flag uses. */
export function describeOutOfRange(value: number, parameter: string, resolved: ResolvedRange): string {
  return `${value} is outside the plausible range of ${parameter}, ${resolved.range.min} to ${resolved.range.max} (${resolved.source})`;
}

/**
 * Builds the check the loader (and every reader of the input contract) runs
 * on each observed value: device sentinels, then sensor-type sentinels, then
 * the range (sensor type's, else the configured one, else the default).
 */
export function makePlausibilityCheck(config: PlausibilityConfigInput = {}): (input: PlausibilityInput) => PlausibilityVerdict {
  const parsed = plausibilityConfigSchema.parse(config);
  const rangeFor = makeRangeLookup(parsed);
  const byType = new Map(Object.entries(parsed.sensorTypes).map(([type, settings]) => [type.trim(), new Set(settings.sentinels)]));
  const byDevice = new Map(Object.entries(parsed.devices).map(([device, settings]) => [device.trim(), new Set(settings.sentinels)]));
  const anySentinels = byDevice.size > 0 || [...byType.values()].some((sentinels) => sentinels.size > 0);
  return ({ deviceId, parameter, sensorType, value }) => {
    if (anySentinels) {
      if (byDevice.get(deviceId)?.has(value)) return { kind: 'sentinel', detail: `${value} means "no reading" for device ${deviceId}` };
      if (sensorType && byType.get(sensorType)?.has(value)) return { kind: 'sentinel', detail: `${value} means "no reading" for sensor type ${sensorType}` };
    }
    const entry = rangeFor(parameter, sensorType);
    if (!entry || (value >= entry.range.min && value <= entry.range.max)) return OK;
    return { kind: 'invalid', check: 'range', detail: describeOutOfRange(value, parameter, entry) };
  };
}
