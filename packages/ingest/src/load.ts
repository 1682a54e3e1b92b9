import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '@airfill/db';
import { detachString, type CsvReading } from '@airfill/schema';
import { copyText } from './copy-text';
import type { CsvHeader } from './header';
import { readReadingsCsvBatches, type CsvRecord } from './read-csv';
import { SensorRegistry } from './sensor-registry';

/** A rejected row, as reported to the user and the rejects file. */
export type RejectedRow = Extract<CsvRecord, { kind: 'reject' }>;

/** Where a load stands; sent after every batch. */
export interface LoadProgress {
  rowsRead: number;
  rejected: number;
  bytesRead: number;
  totalBytes: number;
}

/** Options for {@link loadReadingsCsv}. */
export interface LoadOptions {
  /** @default 65535 */
  sentinel?: number;
  /** Rows per batch sent to PostgreSQL. @default 20000 */
  batchSize?: number;
  onProgress?: (progress: LoadProgress) => void;
  /** Told about each rejected row; awaited, so a slow rejects file holds the load back rather than buffering. */
  onReject?: (reject: RejectedRow) => void | Promise<void>;
  onHeader?: (header: CsvHeader) => void;
}

/** What a load did. */
export interface LoadSummary {
  path: string;
  /** Data rows in the file (not counting the header). */
  rows: number;
  /** Rows that passed validation. */
  valid: number;
  /** Valid rows whose value is missing (sentinel, empty, NaN). */
  missing: number;
  /** Readings newly stored. */
  inserted: number;
  /** Valid rows already stored with the same value (a reload, or a repeated row): nothing changed. */
  unchanged: number;
  /** Rows rejected: invalid, or a different value for a reading already stored. */
  rejected: number;
  sensors: number;
  parameters: string[];
  seconds: number;
  /** Of `seconds`, time spent waiting for PostgreSQL to store batches. */
  databaseSeconds: number;
}

/**
 * Rows waiting to be stored, already encoded for COPY into an off-heap
 * buffer: per-row strings die young instead of surviving (and pinning their
 * CSV chunk) until the flush, which halved the time spent collecting garbage.
 * `values` holds each reading's value by key to catch a reading repeated
 * inside the batch (across batches, the table's key does).
 */
class Batch {
  private buffer = Buffer.allocUnsafe(1 << 22);
  private length = 0;
  rows = 0;
  readonly values = new Map<string, number | null>();

  add(line: string): void {
    const needed = this.length + Buffer.byteLength(line);
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(line, this.length);
    this.rows += 1;
  }

  get bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

const STAGE_COLUMNS = '(line, device_id, parameter, ts, value, raw_value)';

/** One row in COPY text format. */
function encodeRow(line: number, reading: CsvReading): string {
  return `${line}\t${copyText(reading.sensor.deviceId)}\t${copyText(reading.parameter)}\t${reading.ts}\t${copyText(reading.value)}\t${copyText(reading.rawValue)}\n`;
}

/**
 * Loads a CSV file of readings into PostgreSQL. Streams the file (bounded
 * memory), validates each row, and stores valid rows in batches through a
 * staging table: COPY, then one `INSERT ... ON CONFLICT DO NOTHING` per batch.
 * The whole file is one transaction: a file that turns out unusable midway
 * loads nothing. Idempotent: loading the same file again stores nothing new.
 * A row whose reading is already stored with a different value is rejected
 * (the stored reading is kept; originals are never overwritten).
 */
export async function loadReadingsCsv(database: Database, path: string, options: LoadOptions = {}): Promise<LoadSummary> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 20_000;
  const registry = new SensorRegistry();
  const parameters = new Set<string>();
  const summary = { rows: 0, valid: 0, missing: 0, inserted: 0, unchanged: 0, rejected: 0 };
  const progress: LoadProgress = { rowsRead: 0, rejected: 0, bytesRead: 0, totalBytes: 0 };
  const reject = async (row: RejectedRow) => {
    summary.rejected += 1;
    await options.onReject?.(row);
  };

  let databaseMs = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const client = await database.pool.connect();
  try {
    await client.query('begin');
    await client.query(STAGE_DDL);
    let batch = new Batch();
    const flush = async (rows: Batch) => {
      const flushStarted = performance.now();
      const outcome = await storeBatch(client, registry, rows);
      databaseMs += performance.now() - flushStarted;
      summary.inserted += outcome.inserted;
      summary.unchanged += outcome.unchanged;
      for (const conflict of outcome.conflicts) await reject(conflict);
      progress.rejected = summary.rejected;
      options.onProgress?.({ ...progress });
    };
    const batches = readReadingsCsvBatches(path, {
      sentinel: options.sentinel,
      onHeader: options.onHeader,
      onBytes: (read, total) => {
        progress.bytesRead = read;
        progress.totalBytes = total;
      },
    });
    for await (const records of batches) for (const record of records) {
      summary.rows += 1;
      progress.rowsRead = summary.rows;
      if (record.kind === 'reject') {
        await reject(record);
        continue;
      }
      summary.valid += 1;
      if (record.reading.value === null) summary.missing += 1;
      if (!parameters.has(record.reading.parameter)) parameters.add(detachString(record.reading.parameter));
      const { reading } = record;
      const key = `${reading.sensor.deviceId}\u0000${reading.parameter}\u0000${reading.ts}`;
      const earlier = batch.values.get(key);
      if (earlier !== undefined) {
        if (earlier === reading.value) summary.unchanged += 1;
        else await reject(conflictWith(record.line, reading, String(earlier ?? '')));
        continue;
      }
      batch.values.set(key, reading.value);
      registry.note(reading);
      batch.add(encodeRow(record.line, reading));
      if (batch.rows >= batchSize) {
        // Parse the next batch while PostgreSQL stores this one.
        await inFlight;
        inFlight = flush(batch);
        // Its failure surfaces at the next await; until then it must not count as unhandled.
        inFlight.catch(() => undefined);
        batch = new Batch();
      }
    }
    await inFlight;
    if (batch.rows > 0) await flush(batch);
    await registry.storePending(client);
    await registry.storeChannels(client);
    await client.query('commit');
  } catch (error) {
    // Let a batch still in flight finish with the client before rolling back on it.
    await inFlight.catch(() => undefined);
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return {
    path,
    ...summary,
    sensors: registry.sensorCount,
    parameters: [...parameters].sort(),
    seconds: (performance.now() - started) / 1000,
    databaseSeconds: databaseMs / 1000,
  };
}

const STAGE_DDL = `create temp table stage (
  line integer not null,
  device_id text not null,
  parameter text not null,
  ts timestamptz not null,
  value double precision,
  raw_value text
) on commit drop`;

function conflictReject(line: number, deviceId: string, parameter: string, ts: string, rawValue: string, kept: string): RejectedRow {
  return {
    kind: 'reject',
    line,
    column: 'value',
    reason: `a reading for ${deviceId}, ${parameter} at ${ts} is already stored with value "${kept}"; this row's value "${rawValue}" was not loaded`,
    row: '',
  };
}

function conflictWith(line: number, reading: CsvReading, kept: string): RejectedRow {
  return conflictReject(line, reading.sensor.deviceId, reading.parameter, reading.ts, reading.rawValue, kept);
}

async function storeBatch(
  client: PoolClient,
  registry: SensorRegistry,
  rows: Batch,
): Promise<{ inserted: number; unchanged: number; conflicts: RejectedRow[] }> {
  await registry.storePending(client);
  await pipeline(Readable.from([rows.bytes]), client.query(copyFrom(`copy stage ${STAGE_COLUMNS} from stdin`)));
  const inserted = await client.query(`
    insert into readings (sensor_ref, parameter, ts, value, raw_value)
    select d.id, s.parameter, s.ts, s.value, s.raw_value
      from stage s join sensors d on d.device_id = s.device_id
    on conflict do nothing`);
  const insertedCount = inserted.rowCount ?? 0;
  let conflicts: RejectedRow[] = [];
  if (insertedCount < rows.rows) {
    // Some rows were already stored: those with a different value are conflicts.
    // One primary-key probe per staged row (the LATERAL with LIMIT cannot be
    // flattened into a join, which the planner would answer by hashing all of readings).
    const { rows: conflicting } = await client.query<{ line: number; device_id: string; parameter: string; ts: Date; raw_value: string | null; kept: string | null }>(`
      select s.line, s.device_id, s.parameter, s.ts, s.raw_value, r.raw_value as kept
        from stage s
        join sensors d on d.device_id = s.device_id
        cross join lateral (
          select x.value, x.raw_value from readings x
           where x.sensor_ref = d.id and x.parameter = s.parameter and x.ts = s.ts
           limit 1) r
       where r.value is distinct from s.value
       order by s.line`);
    conflicts = conflicting.map((row) => conflictReject(row.line, row.device_id, row.parameter, row.ts.toISOString(), row.raw_value ?? '', row.kept ?? ''));
  }
  await client.query('truncate stage');
  return { inserted: insertedCount, unchanged: rows.rows - insertedCount - conflicts.length, conflicts };
}
