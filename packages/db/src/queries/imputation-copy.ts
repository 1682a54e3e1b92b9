import { setTimestamp } from './binary-arrays';

/** One imputation ready to be stored: the sensor resolved, the time in epoch milliseconds. */
export interface ResolvedImputation {
  sensorRef: number;
  parameter: string;
  /** Epoch milliseconds (a JavaScript Date's precision). */
  ms: number;
  value: number;
  lower: number | null;
  upper: number | null;
}

/** The columns, in the order the encoder writes them (`imputed_at` takes its default). */
export const IMPUTATION_COPY_COLUMNS = 'imputations (sensor_ref, parameter, ts, value, lower, upper, model_version, run_id)';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const FIELDS = 8;
/** Fixed bytes of a tuple: the field count, eight lengths, sensor_ref, ts, value, lower, upper and run_id. */
const FIXED_TUPLE_BYTES = 2 + FIELDS * 4 + 4 + 8 + 3 * 8 + 16;

/** A UUID's 16 bytes; `uuid` is checked by the caller. */
function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/**
 * Encodes imputations for `COPY imputations ... FROM STDIN (FORMAT binary)`
 * (PostgreSQL's binary copy format: a header, then per row the field count and
 * each field as length and network-order bytes, -1 for NULL, then a trailer),
 * `rowsPerChunk` rows per buffer so the server parses one while the next is
 * encoded. Binary spares the server the text parsing of numbers and times
 * (a fifth of its CPU in a raw COPY of the same rows, bench:writeback).
 */
export function* encodeImputationsBinary(
  rows: readonly ResolvedImputation[],
  provenance: { modelVersion: string; runId: string },
  rowsPerChunk = 16_384,
): Generator<Buffer> {
  const modelVersion = Buffer.from(provenance.modelVersion, 'utf8');
  const runId = uuidBytes(provenance.runId);
  const parameterBytes = new Map<string, Buffer>();
  for (let start = 0; start < rows.length || start === 0; start += rowsPerChunk) {
    const end = Math.min(rows.length, start + rowsPerChunk);
    const last = end === rows.length;
    let size = start === 0 ? SIGNATURE.length + 8 : 0;
    for (let index = start; index < end; index += 1) {
      const row = rows[index]!;
      let parameter = parameterBytes.get(row.parameter);
      if (!parameter) parameterBytes.set(row.parameter, (parameter = Buffer.from(row.parameter, 'utf8')));
      size += FIXED_TUPLE_BYTES + parameter.length + modelVersion.length;
    }
    if (last) size += 2;
    // A DataView over a fresh buffer: its setters are compiled inline, several times faster than Buffer's checked writeInt32BE and friends.
    const bytes = Buffer.allocUnsafe(size);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    if (start === 0) {
      at += SIGNATURE.copy(bytes, at);
      view.setInt32(at, 0); // flags: no OIDs
      view.setInt32(at + 4, 0); // header extension length
      at += 8;
    }
    for (let index = start; index < end; index += 1) {
      const row = rows[index]!;
      const parameter = parameterBytes.get(row.parameter)!;
      view.setInt16(at, FIELDS);
      view.setInt32(at + 2, 4);
      view.setInt32(at + 6, row.sensorRef);
      view.setInt32(at + 10, parameter.length);
      at += 14;
      bytes.set(parameter, at);
      at += parameter.length;
      view.setInt32(at, 8);
      setTimestamp(view, at + 4, row.ms);
      view.setInt32(at + 12, 8);
      view.setFloat64(at + 16, row.value);
      at = writeNullableDouble(view, at + 24, row.lower);
      at = writeNullableDouble(view, at, row.upper);
      view.setInt32(at, modelVersion.length);
      bytes.set(modelVersion, at + 4);
      at += 4 + modelVersion.length;
      view.setInt32(at, 16);
      bytes.set(runId, at + 4);
      at += 20;
    }
    if (last) {
      view.setInt16(at, -1); // trailer
      at += 2;
    }
    yield bytes.subarray(0, at);
    if (last) return;
  }
}

/** A float8 field, or a NULL one (length -1, no bytes); returns the offset after it. */
function writeNullableDouble(view: DataView, at: number, value: number | null): number {
  if (value === null) {
    view.setInt32(at, -1);
    return at + 4;
  }
  view.setInt32(at, 8);
  view.setFloat64(at + 4, value);
  return at + 12;
}
