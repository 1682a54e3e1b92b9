import type { Database } from '../connection';
import { DatabaseError, DatabaseInputError } from '../errors';
import type { ResolvedImputation } from './imputation-copy';
import { writeImputationGroup, type GroupWriteCounts } from './imputation-group';

/** One prediction for a missing reading. */
export interface Imputation {
  deviceId: string;
  parameter: string;
  ts: Date;
  value: number;
  /** The calibrated interval around the value (absent or null when the model has none). */
  lower?: number | null;
  upper?: number | null;
}

/** What a write did with each prediction it received. */
export interface ImputationWriteResult {
  received: number;
  /** Newly stored. */
  written: number;
  /** The reading already had an imputation (a retry, or another run got there first): left as it was. */
  alreadyImputed: number;
  /** The reading is observed, not missing, or does not exist: never stored, originals are never overwritten. */
  notMissing: number;
  /** The device is unknown. */
  unknownSensor: number;
}

/** How a write is spread over transactions. */
export interface WriteImputationsOptions {
  /**
   * How many transactions write the batch in parallel, each on its own
   * connection and a share of the devices (never more than the batch has).
   * @default the smaller of the pool's size and DEFAULT_WRITE_TRANSACTIONS, and one per 25,000 rows
   */
  transactions?: number;
}

/** The default number of parallel write transactions; `bench:writeback` measures 1, 2 and 4. */
export const DEFAULT_WRITE_TRANSACTIONS = 2;
/** Below this many rows per transaction, another transaction costs more than it saves (by default). */
const MIN_ROWS_PER_TRANSACTION = 25_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Some of a write's transactions committed, others failed: writing the same batch again stores the rest, nothing twice. */
export class ImputationWriteIncompleteError extends DatabaseError {}

/**
 * Stores predictions beside the readings. The devices are resolved once;
 * the rows, in the primary key's order, are cut by device into
 * `transactions` groups written in parallel, each in one transaction that
 * holds the run, checks its readings and COPYs the rest
 * (`writeImputationGroup`). Only readings that are missing and not imputed
 * yet are filled, so the write is idempotent: writing the same batch again
 * stores nothing new, a retry after some transactions committed and others
 * failed stores the rest, and two writers of the same readings at once
 * store each once. The counts are exact (the groups' readings are
 * disjoint). An unknown run is a {@link DatabaseInputError} and nothing is
 * stored; a write some of whose transactions failed after others committed
 * is an {@link ImputationWriteIncompleteError} (the first failure its cause).
 */
export async function writeImputations(
  database: Database,
  batch: { runId: string; modelVersion: string; imputations: readonly Imputation[] },
  options: WriteImputationsOptions = {},
): Promise<ImputationWriteResult> {
  const requested = requestedTransactions(options);
  const devices = checkImputations(batch.runId, batch.imputations);
  const received = batch.imputations.length;
  const sensorRefs = await resolveDevices(database, devices);
  const rows: ResolvedImputation[] = [];
  for (const row of batch.imputations) {
    const sensorRef = sensorRefs.get(row.deviceId);
    if (sensorRef !== undefined) {
      rows.push({ sensorRef, parameter: row.parameter, ms: row.ts.getTime(), value: row.value, lower: row.lower ?? null, upper: row.upper ?? null });
    }
  }
  rows.sort(byPrimaryKey);
  const groups = rows.length === 0 ? [rows] : splitBySensor(rows, requested ?? defaultTransactions(database, rows.length));
  const outcomes = await Promise.allSettled(groups.map((group) => writeImputationGroup(database, batch, group)));
  const counts = committedCounts(batch.runId, outcomes);
  return { received, ...counts, unknownSensor: received - rows.length };
}

/** Checks every value and interval, and the run id's form, before anything is sent; returns the batch's distinct devices. */
function checkImputations(runId: string, imputations: readonly Imputation[]): string[] {
  if (!UUID.test(runId)) throw new DatabaseInputError(`run id ${JSON.stringify(runId)} is not a UUID`, { runId });
  const devices = new Set<string>();
  for (let index = 0; index < imputations.length; index += 1) {
    const row = imputations[index]!;
    devices.add(row.deviceId);
    if (Number.isNaN(row.ts.getTime())) {
      throw new DatabaseInputError(`imputation ${index} (${row.deviceId}, ${row.parameter}) has an invalid time`, { index, runId });
    }
    if (!Number.isFinite(row.value)) {
      throw new DatabaseInputError(`imputation ${index} (${row.deviceId}, ${row.parameter}, ${row.ts.toISOString()}) has a value that is not finite: ${row.value}`, {
        index,
        runId,
      });
    }
    const lower = row.lower ?? null;
    const upper = row.upper ?? null;
    if ((lower === null) !== (upper === null) || (lower !== null && upper !== null && !(lower <= row.value && row.value <= upper))) {
      throw new DatabaseInputError(
        `imputation ${index} (${row.deviceId}, ${row.parameter}, ${row.ts.toISOString()}) has an interval [${lower}, ${upper}] that does not hold its value ${row.value}`,
        { index, runId },
      );
    }
  }
  return [...devices];
}

/** The sensor id of every known device among `devices` (one query). */
async function resolveDevices(database: Database, devices: readonly string[]): Promise<Map<string, number>> {
  if (devices.length === 0) return new Map();
  const { rows } = await database.pool.query<{ id: number; device_id: string }>('select id, device_id from sensors where device_id = any($1::text[])', [devices]);
  return new Map(rows.map((row) => [row.device_id, row.id]));
}

/** The primary key's order: sensor, parameter, time (so each transaction fills the key's pages in sequence). */
function byPrimaryKey(a: ResolvedImputation, b: ResolvedImputation): number {
  return a.sensorRef - b.sensorRef || (a.parameter === b.parameter ? 0 : a.parameter < b.parameter ? -1 : 1) || a.ms - b.ms;
}

/** The number of transactions the caller asked for, checked; undefined for the default. */
function requestedTransactions(options: WriteImputationsOptions): number | undefined {
  const { transactions } = options;
  if (transactions !== undefined && (!Number.isInteger(transactions) || transactions < 1)) {
    throw new DatabaseInputError(`transactions must be a whole number of at least 1, not ${transactions}`, { transactions });
  }
  return transactions;
}

/** The default number of transactions for `rows` rows: DEFAULT_WRITE_TRANSACTIONS, bounded by the pool's size and one per MIN_ROWS_PER_TRANSACTION rows. */
function defaultTransactions(database: Database, rows: number): number {
  const poolSize = database.pool.options.max ?? DEFAULT_WRITE_TRANSACTIONS;
  return Math.max(1, Math.min(DEFAULT_WRITE_TRANSACTIONS, poolSize, Math.ceil(rows / MIN_ROWS_PER_TRANSACTION)));
}

/**
 * Cuts rows sorted by sensor into at most `count` runs of whole sensors of
 * about equal size: each transaction then owns its sensors' readings (no
 * two write the same key) and a contiguous range of the primary key.
 */
export function splitBySensor<T extends { sensorRef: number }>(rows: readonly T[], count: number): T[][] {
  const groups: T[][] = [];
  let start = 0;
  for (let made = 0; made < count && start < rows.length; made += 1) {
    let end = made === count - 1 ? rows.length : Math.max(start + 1, Math.round(((made + 1) * rows.length) / count));
    while (end < rows.length && rows[end]!.sensorRef === rows[end - 1]!.sensorRef) end += 1;
    groups.push(rows.slice(start, end));
    start = end;
  }
  return groups;
}

/** The sum of every group's counts, or the failure: as it was when nothing committed, as an ImputationWriteIncompleteError when some did. */
function committedCounts(runId: string, outcomes: readonly PromiseSettledResult<GroupWriteCounts>[]): GroupWriteCounts {
  const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
  const committed = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const sum = committed.reduce((total, counts) => ({
    written: total.written + counts.written,
    alreadyImputed: total.alreadyImputed + counts.alreadyImputed,
    notMissing: total.notMissing + counts.notMissing,
  }), { written: 0, alreadyImputed: 0, notMissing: 0 });
  if (failures.length === 0) return sum;
  const first = failures[0];
  const messages = failures.map((failure) => (failure instanceof Error ? failure.message : String(failure)));
  // Nothing committed and one cause (an unknown run fails every group alike): the failure as it was, so callers see its type.
  if (committed.length === 0 && new Set(messages).size === 1) throw first;
  if (committed.length === 0) {
    throw new DatabaseError(`all ${outcomes.length} write transactions failed, nothing was stored: ${messages.join('; ')}`, { runId, failures: messages }, { cause: first });
  }
  throw new ImputationWriteIncompleteError(
    `${failures.length} of ${outcomes.length} write transactions failed after ${committed.length} committed ${sum.written} imputations; writing the same batch again stores the rest: ${messages.join('; ')}`,
    { runId, failed: failures.length, committed: committed.length, written: sum.written, failures: messages },
    { cause: first },
  );
}
