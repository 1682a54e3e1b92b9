import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import { csvCell } from '@airfill/schema';
import { generateReadings, type SynthOptions, type SynthReading } from './generate';

/** Columns in the order synth writes them: deliberately not the contract's order (columns may come in any order). */
const COLUMNS = [
  'device_id', 'timestamp', 'parameter', 'value', 'sensor_type', 'sensor_id', 'chip_id', 'latitude', 'longitude',
  'location_id', 'location', 'street_name', 'city', 'country', 'deployment_date',
] as const;

const SENSOR_TYPES: Record<string, string> = { 'PM 2.5': 'SDS011', 'PM 10': 'SDS011', NO2: 'NO2-B43F', O3: 'OX-B431', Temperature: 'BME280' };

/** `2024-01-01 01:00:00.000 +0100`: local time with its offset, as the anchor format writes it. */
function stamp(ts: number, offsetMinutes: number): string {
  const local = new Date(ts + offsetMinutes * 60_000).toISOString();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local.slice(0, 10)} ${local.slice(11, 23)} ${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

function line(reading: SynthReading, offsetMinutes: number): string {
  const { sensor, parameter } = reading;
  const cells: Record<(typeof COLUMNS)[number], string> = {
    device_id: sensor.deviceId,
    timestamp: stamp(reading.ts, offsetMinutes),
    parameter,
    value: reading.value,
    sensor_type: SENSOR_TYPES[parameter] ?? 'generic',
    sensor_id: `${sensor.deviceId}-${parameter.toLowerCase().replace(/[^a-z0-9]+/g, '')}`,
    chip_id: sensor.chipId,
    latitude: String(sensor.latitude),
    longitude: String(sensor.longitude),
    location_id: sensor.locationId,
    location: `${sensor.location}, Stuttgart`,
    street_name: sensor.street,
    city: 'Stuttgart',
    country: 'DE',
    deployment_date: sensor.deployed,
  };
  return COLUMNS.map((column) => csvCell(cells[column])).join(',');
}

/** What a generated file holds. */
export interface SynthSummary {
  file: string;
  rows: number;
  missing: number;
  sensors: number;
  parameters: string[];
}

/** Writes generated readings as CSV in the input contract (gzipped when the name ends in .gz). */
export async function writeSynthCsv(file: string, options: SynthOptions = {}): Promise<SynthSummary> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const offset = options.offsetMinutes ?? 60;
  const text = new PassThrough();
  const done = file.endsWith('.gz') ? pipeline(text, createGzip(), createWriteStream(file)) : pipeline(text, createWriteStream(file));
  text.write(`${COLUMNS.join(',')}\n`);
  let rows = 0;
  let missing = 0;
  const sensors = new Set<string>();
  let chunk = '';
  for (const reading of generateReadings(options)) {
    chunk += `${line(reading, offset)}\n`;
    rows += 1;
    if (reading.missing) missing += 1;
    sensors.add(reading.sensor.deviceId);
    if (chunk.length > 1 << 16) {
      if (!text.write(chunk)) await once(text, 'drain');
      chunk = '';
    }
  }
  text.end(chunk);
  await done;
  return { file, rows, missing, sensors: sensors.size, parameters: options.parameters ?? ['PM 2.5', 'PM 10', 'NO2', 'O3', 'Temperature'] };
}
