import type pg from 'pg';
import type { Database } from '../connection';
import { DatabaseError } from '../errors';

/** Anything that runs a query: a pool, or a client inside a transaction. */
export type Queryable = pg.Pool | pg.PoolClient;

/** Months ahead of the current one that the migrate step makes sure exist. */
export const PARTITIONS_AHEAD_MONTHS = 3;

/** A monthly partition of `readings`. */
export interface ReadingsPartition {
  /** `readings_YYYY_MM` */
  name: string;
  /** Inclusive lower bound (the month's first instant, UTC). */
  from: Date;
  /** Exclusive upper bound. */
  to: Date;
}

/**
 * Creates the monthly partitions of `readings` that cover [from, to] and do
 * not exist yet; returns how many it created. Cheap when they all exist. Runs
 * on `executor`, so a load calls it inside its own transaction (a partition
 * it created goes away if the load rolls back). The caller must own
 * `readings`; a user who does not gets a {@link DatabaseError} that says to
 * let the migrate step create them.
 */
export async function ensureReadingsPartitions(executor: Queryable, range: { from: Date; to: Date }): Promise<number> {
  try {
    const { rows } = await executor.query<{ created: number }>('select ensure_readings_partitions($1, $2) as created', [range.from, range.to]);
    return rows[0]?.created ?? 0;
  } catch (error) {
    if ((error as { code?: string }).code === '42501') {
      throw new DatabaseError(
        `readings has no partition for ${monthOf(range.from)}..${monthOf(range.to)} and this database user may not create one ` +
          `(only the owner of readings may); run the migrate step, or load as the owner`,
        { from: range.from.toISOString(), to: range.to.toISOString() },
        { cause: error },
      );
    }
    throw error;
  }
}

/** Makes sure the current month and the next {@link PARTITIONS_AHEAD_MONTHS} have partitions (the migrate step's part). */
export async function ensurePartitionsAhead(executor: Queryable, now = new Date()): Promise<number> {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + PARTITIONS_AHEAD_MONTHS, 1));
  return ensureReadingsPartitions(executor, { from: now, to });
}

/** The partitions of `readings`, oldest first (named `readings_YYYY_MM` by {@link ensureReadingsPartitions}). */
export async function listReadingsPartitions(database: Database): Promise<ReadingsPartition[]> {
  const { rows } = await database.pool.query<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'readings'::regclass order by c.relname`,
  );
  return rows.flatMap((row) => {
    const match = /^readings_(\d{4})_(\d{2})$/.exec(row.name);
    if (!match) return [];
    const year = Number(match[1]);
    const month = Number(match[2]) - 1;
    return [{ name: row.name, from: new Date(Date.UTC(year, month, 1)), to: new Date(Date.UTC(year, month + 1, 1)) }];
  });
}

function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}
