import type { CsvReading } from '@airfill/schema';
import { copyText } from './copy-text';
import type { ValueVerdict } from './read-csv';

/**
 * Rows waiting to be stored, already encoded for COPY into an off-heap
 * buffer: per-row strings die young instead of surviving (and pinning their
 * CSV chunk) until the flush, which halved the time spent collecting garbage.
 * `values` holds each reading's value by key to catch a reading repeated
 * inside the batch (across batches, the table's key does).
 */
export class Batch {
  private buffer = Buffer.allocUnsafe(1 << 22);
  private length = 0;
  rows = 0;
  /** Rows whose value the door flagged invalid (their flags are stored with the batch). */
  flagged = 0;
  readonly values = new Map<string, number | null>();

  add(line: number, reading: CsvReading, verdict: ValueVerdict | undefined): void {
    const text = encodeRow(line, reading, verdict);
    const needed = this.length + Buffer.byteLength(text);
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(text, this.length);
    this.rows += 1;
    if (verdict?.kind === 'invalid') this.flagged += 1;
  }

  get bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/** Columns of the staging table, in COPY order. */
export const STAGE_COLUMNS = '(line, device_id, parameter, ts, value, raw_value, flag_check, flag_detail)';

/** The staging table of one load (dropped with its transaction). */
export const STAGE_DDL = `create temp table stage (
  line integer not null,
  device_id text not null,
  parameter text not null,
  ts timestamptz not null,
  value double precision,
  raw_value text,
  flag_check text,
  flag_detail text
) on commit drop`;

/** One row in COPY text format. */
function encodeRow(line: number, reading: CsvReading, verdict: ValueVerdict | undefined): string {
  const flag = verdict?.kind === 'invalid' ? `${copyText(verdict.check)}\t${copyText(verdict.detail)}` : '\\N\t\\N';
  return `${line}\t${copyText(reading.sensor.deviceId)}\t${copyText(reading.parameter)}\t${reading.ts}\t${copyText(reading.value)}\t${copyText(reading.rawValue)}\t${flag}\n`;
}
