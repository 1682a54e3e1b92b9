import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const directory = mkdtempSync(path.join(os.tmpdir(), 'airfill-ingest-'));
let counter = 0;

/** Writes test content to a fresh file and returns its path (`.gz` names are gzipped unless told not to). */
export function csvFile(content: string | Buffer, name = `input-${(counter += 1)}.csv`, options: { compress?: boolean } = {}): string {
  const file = path.join(directory, `${(counter += 1)}-${name}`);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  writeFileSync(file, name.endsWith('.gz') && (options.compress ?? true) ? gzipSync(bytes) : bytes);
  return file;
}

/** The header of the anchor format, in the contract's order. */
export const HEADER =
  'timestamp,value,parameter,device_id,chip_id,sensor_type,sensor_id,location_id,location,street_name,city,country,latitude,longitude,deployment_date';

/** One row in the anchor format; override cells by column name. */
export function row(overrides: Partial<Record<string, string>> = {}): string {
  const cells: Record<string, string> = {
    timestamp: '2023-07-15 09:22:31.456 +0200',
    value: '12.5',
    parameter: 'PM 2.5',
    device_id: 'dev-1',
    chip_id: 'chip-1',
    sensor_type: 'SDS011',
    sensor_id: 'sds-1',
    location_id: 'loc-1',
    location: 'Schlossplatz',
    street_name: 'Königstraße',
    city: 'Stuttgart',
    country: 'DE',
    latitude: '48.7784',
    longitude: '9.1800',
    deployment_date: '2022-03-01',
    ...overrides,
  };
  return HEADER.split(',')
    .map((column) => cells[column]!)
    .join(',');
}
