import type { CsvReading } from '@airfill/schema';
import { copyText } from './copy-text';
import type { ValueVerdict } from './read-csv';
import type { ChannelState } from './sensor-registry';

/** A row the door flagged invalid: its flag is stored with the batch. */
export interface FlaggedRow {
  /** Its position in the batch. */
  row: number;
  sensorRef: number;
  parameter: string;
  ts: string;
  rawValue: string;
  check: string;
  detail: string;
}

/** Columns of `readings` in the order a batch encodes them for COPY. */
export const READINGS_COPY_COLUMNS = '(sensor_ref, parameter, ts, value, raw_value)';

let batches = 0;

/**
 * Rows waiting to be stored, already encoded in `readings`' own columns for
 * COPY, into an off-heap buffer: per-row strings die young instead of
 * surviving (and pinning their CSV chunk) until the flush, which halved the
 * time spent collecting garbage. Beside the bytes it keeps each row's line
 * (for rejects), the flagged rows, and per channel the time span the batch
 * covers and whether its rows came in time order: what the store needs to
 * know that the rows can go straight into `readings` (see `storeBatch`).
 */
export class Batch {
  private buffer = Buffer.allocUnsafe(1 << 22);
  private length = 0;
  private lineNumbers = new Int32Array(1 << 14);
  readonly id = ++batches;
  rows = 0;
  readonly flagged: FlaggedRow[] = [];
  /** The channels this batch holds rows of. */
  readonly channels: ChannelState[] = [];
  /** The sensor ids its rows were encoded with (a remap must find any stale one). */
  private readonly sensorRefs = new Set<number>();
  /** Every channel's rows came in strictly increasing time: no repeated reading inside the batch. */
  ordered = true;
  /** Earliest and latest timestamp (ISO UTC text, ordered like the instants). */
  minTs = '';
  maxTs = '';

  add(line: number, sensorRef: number, channel: ChannelState, reading: CsvReading, verdict: ValueVerdict | undefined): void {
    const ts = reading.ts;
    if (channel.batch !== this.id) {
      channel.batch = this.id;
      channel.first = ts;
      channel.last = ts;
      this.channels.push(channel);
      this.sensorRefs.add(sensorRef);
    } else if (ts > channel.last) {
      channel.last = ts;
    } else {
      // Out of time order, or a repeat: the rows are still stored, but checked against what is stored (see storeBatch).
      this.ordered = false;
      if (ts < channel.first) channel.first = ts;
    }
    if (this.rows === 0 || ts < this.minTs) this.minTs = ts;
    if (this.rows === 0 || ts > this.maxTs) this.maxTs = ts;
    this.write(`${sensorRef}\t${copyText(reading.parameter)}\t${ts}\t${reading.value === null ? '\\N' : reading.value}\t${copyText(reading.rawValue)}\n`);
    if (this.rows === this.lineNumbers.length) {
      const grown = new Int32Array(this.rows * 2);
      grown.set(this.lineNumbers);
      this.lineNumbers = grown;
    }
    this.lineNumbers[this.rows] = line;
    this.rows += 1;
    if (verdict?.kind === 'invalid') {
      this.flagged.push({ row: this.rows - 1, sensorRef, parameter: channel.parameter, ts, rawValue: reading.rawValue, check: verdict.check, detail: verdict.detail });
    }
  }

  /** The file line of the batch's n-th row (0-based). */
  lineOf(row: number): number {
    return this.lineNumbers[row] as number;
  }

  get bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  /** Rewrites the sensor ids of rows encoded under an id that was remapped (another load stored the device first). */
  remapSensorRefs(remapped: ReadonlyMap<number, number>): void {
    if (![...this.sensorRefs].some((id) => remapped.has(id))) return;
    const text = this.bytes.toString('utf8');
    const rewritten = text.replace(/^(\d+)\t/gm, (whole, id: string) => {
      const to = remapped.get(Number(id));
      return to === undefined ? whole : `${to}\t`;
    });
    this.length = 0;
    this.write(rewritten);
    for (const row of this.flagged) row.sensorRef = remapped.get(row.sensorRef) ?? row.sensorRef;
  }

  private write(text: string): void {
    const needed = this.length + Buffer.byteLength(text);
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(text, this.length);
  }
}
