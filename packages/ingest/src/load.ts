import type { Database } from '@airfill/db';
import { detachString, type PlausibilityConfigInput } from '@airfill/schema';
import { Batch } from './batch';
import { DoorTally, type UntrustedChannel } from './door-tally';
import type { CsvHeader } from './header';
import { PartitionCover } from './partition-cover';
import { readReadingsCsvBatches, type CsvRecord } from './read-csv';
import { SensorRegistry } from './sensor-registry';
import { STAGE_DDL, storeBatch } from './store-batch';

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
  /** Longest line, in characters. @default 65536 */
  maxLineLength?: number;
  /** Physical ranges and extra sentinels over the defaults. */
  plausibility?: PlausibilityConfigInput;
}

/** What a load did. */
export interface LoadSummary {
  path: string;
  /** Data rows in the file (not counting the header). */
  rows: number;
  /** Rows that passed validation. */
  valid: number;
  /** Valid rows whose value is missing: empty, NaN, a sentinel, or invalid (out of range). */
  missing: number;
  /** Of `missing`: values out of their parameter's plausible range, stored with their raw text and flagged invalid. */
  invalid: number;
  /** Of `missing`: values that were a device's or sensor type's own "no reading" (configured sentinels). */
  sentinels: number;
  /** The devices and parameters with the most invalid or sentinel values (at most ten), each with an example. */
  untrusted: UntrustedChannel[];
  /** Readings newly stored. */
  inserted: number;
  /** Valid rows already stored with the same value (a reload, or a repeated row): nothing changed. */
  unchanged: number;
  /** Readings already stored with the same raw text whose value this load no longer trusts (a new sentinel, a range): now missing. */
  reinterpreted: number;
  /** Rows rejected: not a valid row, or a different value for a reading already stored. Values out of range are not rejected (see `invalid`). */
  rejected: number;
  sensors: number;
  parameters: string[];
  seconds: number;
  /** Of `seconds`, time spent waiting for PostgreSQL to store batches. */
  databaseSeconds: number;
  /** Batches copied straight into `readings` (nothing of theirs was stored), and batches that took the careful path through a staging table. */
  batches: { direct: number; staged: number };
}

/**
 * Loads a CSV file of readings into PostgreSQL. Streams the file (bounded
 * memory), validates each row, and stores valid rows in batches, parsing the
 * next batch while PostgreSQL stores the last. A batch whose readings are
 * all new is copied straight into `readings`; one that may repeat stored
 * readings goes through a staging table and `INSERT ... ON CONFLICT DO
 * NOTHING` (see `storeBatch`). The monthly partitions the rows need are
 * created on the way. The whole file is one transaction: a file that turns
 * out unusable midway loads nothing. Idempotent: loading the same file again
 * stores nothing new. A row whose reading is already stored with a different
 * value is rejected (the stored reading is kept; originals are never
 * overwritten). A value out of its parameter's plausible range loads with
 * its raw text, flagged invalid and treated as missing; a configured
 * sentinel loads as missing; both are counted and sampled in the summary,
 * never rejected.
 */
export async function loadReadingsCsv(database: Database, path: string, options: LoadOptions = {}): Promise<LoadSummary> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 20_000;
  const partitions = new PartitionCover();
  const parameters = new Set<string>();
  const summary = { rows: 0, valid: 0, missing: 0, inserted: 0, unchanged: 0, reinterpreted: 0, rejected: 0 };
  const batches = { direct: 0, staged: 0 };
  const door = new DoorTally();
  const progress: LoadProgress = { rowsRead: 0, rejected: 0, bytesRead: 0, totalBytes: 0 };
  const reject = async (row: RejectedRow) => {
    summary.rejected += 1;
    await options.onReject?.(row);
  };

  let databaseMs = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const client = await database.pool.connect();
  let registry: SensorRegistry | undefined;
  try {
    await client.query('begin');
    await client.query(STAGE_DDL);
    const sensors = (registry = await SensorRegistry.open(client));
    let batch = new Batch();
    const flush = async (rows: Batch) => {
      const flushStarted = performance.now();
      const outcome = await storeBatch(client, sensors, partitions, rows);
      databaseMs += performance.now() - flushStarted;
      summary.inserted += outcome.inserted;
      summary.unchanged += outcome.unchanged;
      summary.reinterpreted += outcome.reinterpreted;
      batches[outcome.direct ? 'direct' : 'staged'] += 1;
      for (const conflict of outcome.conflicts) await reject(conflict);
      progress.rejected = summary.rejected;
      options.onProgress?.({ ...progress });
    };
    const records = readReadingsCsvBatches(path, {
      sentinel: options.sentinel,
      onHeader: options.onHeader,
      maxLineLength: options.maxLineLength,
      plausibility: options.plausibility,
      onBytes: (read, total) => {
        progress.bytesRead = read;
        progress.totalBytes = total;
      },
    });
    for await (const chunk of records) for (const record of chunk) {
      summary.rows += 1;
      progress.rowsRead = summary.rows;
      if (record.kind === 'reject') {
        await reject(record);
        continue;
      }
      const { reading, verdict } = record;
      summary.valid += 1;
      if (reading.value === null) summary.missing += 1;
      if (verdict) door.note(reading, verdict);
      if (!parameters.has(reading.parameter)) parameters.add(detachString(reading.parameter));
      let sensorRef = sensors.refOf(reading);
      if (sensorRef === undefined) {
        // Out of reserved ids for new devices: reserve more (waits for the batch in flight, which shares the connection).
        await sensors.reserve(client);
        sensorRef = sensors.refOf(reading) as number;
      }
      batch.add(record.line, sensorRef, sensors.channelOf(reading), reading, verdict);
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
    await sensors.storePending(client);
    await sensors.storeChannels(client);
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
    invalid: door.invalid,
    sentinels: door.sentinels,
    untrusted: door.top(),
    sensors: registry.sensorCount,
    parameters: [...parameters].sort(),
    seconds: (performance.now() - started) / 1000,
    databaseSeconds: databaseMs / 1000,
    batches,
  };
}
