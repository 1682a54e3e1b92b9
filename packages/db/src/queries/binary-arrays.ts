/**
 * One-dimensional PostgreSQL arrays in the binary wire format (`array_recv`):
 * node-postgres sends a Buffer parameter as binary, so the server reads the
 * numbers and times as they are instead of parsing text, and Node skips
 * turning a million numbers into digits (a third of a 1,000,000-row write's
 * Node time). Layout: dimensions (1), has-nulls flag, element type OID, the
 * dimension's length and lower bound (1), then each element as its length
 * (-1 for NULL) and network-order bytes.
 */

const OID = { int4: 23, text: 25, float8: 701, timestamptz: 1184 } as const;
const HEADER_BYTES = 20;
/** 2000-01-01T00:00:00Z, PostgreSQL's epoch for binary timestamps (microseconds from it). */
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_TO_32 = 2 ** 32;

/** A buffer for an array of `count` elements in `bytes` bytes of elements, with its header written. */
function arrayBuffer(oid: number, count: number, elementBytes: number, hasNulls: boolean): { bytes: Buffer; view: DataView } {
  const bytes = Buffer.allocUnsafe(HEADER_BYTES + elementBytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setInt32(0, 1);
  view.setInt32(4, hasNulls ? 1 : 0);
  view.setInt32(8, oid);
  view.setInt32(12, count);
  view.setInt32(16, 1);
  return { bytes, view };
}

/** Writes epoch milliseconds as PostgreSQL's binary timestamp (microseconds from 2000, two 32-bit halves: exact below 2^53, BigInt-free). */
export function setTimestamp(view: DataView, at: number, ms: number): void {
  const micros = (ms - POSTGRES_EPOCH_MS) * 1000;
  const high = Math.floor(micros / TWO_TO_32);
  view.setInt32(at, high);
  view.setUint32(at + 4, micros - high * TWO_TO_32);
}

/** An `int4[]` parameter. */
export function int4Array(values: readonly number[]): Buffer {
  const { bytes, view } = arrayBuffer(OID.int4, values.length, values.length * 8, false);
  for (let index = 0, at = HEADER_BYTES; index < values.length; index += 1, at += 8) {
    view.setInt32(at, 4);
    view.setInt32(at + 4, values[index]!);
  }
  return bytes;
}

/** A `timestamptz[]` parameter from epoch milliseconds. */
export function timestamptzArray(ms: readonly number[]): Buffer {
  const { bytes, view } = arrayBuffer(OID.timestamptz, ms.length, ms.length * 12, false);
  for (let index = 0, at = HEADER_BYTES; index < ms.length; index += 1, at += 12) {
    view.setInt32(at, 8);
    setTimestamp(view, at + 4, ms[index]!);
  }
  return bytes;
}

/** A `float8[]` parameter; null elements are NULL. */
export function float8Array(values: readonly (number | null)[]): Buffer {
  let nulls = 0;
  for (const value of values) if (value === null) nulls += 1;
  const { bytes, view } = arrayBuffer(OID.float8, values.length, (values.length - nulls) * 12 + nulls * 4, nulls > 0);
  let at = HEADER_BYTES;
  for (const value of values) {
    if (value === null) {
      view.setInt32(at, -1);
      at += 4;
    } else {
      view.setInt32(at, 8);
      view.setFloat64(at + 4, value);
      at += 12;
    }
  }
  return bytes;
}

/** A `text[]` parameter (UTF-8; each distinct text encoded once). */
export function textArray(texts: readonly string[]): Buffer {
  const encoded = new Map<string, Buffer>();
  let size = 0;
  for (const text of texts) {
    let utf8 = encoded.get(text);
    if (!utf8) encoded.set(text, (utf8 = Buffer.from(text, 'utf8')));
    size += 4 + utf8.length;
  }
  const { bytes, view } = arrayBuffer(OID.text, texts.length, size, false);
  let at = HEADER_BYTES;
  for (const text of texts) {
    const utf8 = encoded.get(text)!;
    view.setInt32(at, utf8.length);
    bytes.set(utf8, at + 4);
    at += 4 + utf8.length;
  }
  return bytes;
}
