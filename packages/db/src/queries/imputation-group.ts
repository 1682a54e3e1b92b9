import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../connection';
import { DatabaseInputError } from '../errors';
import { inTransaction } from '../transaction';
import { float8Array, int4Array, textArray, timestamptzArray } from './binary-arrays';
import { encodeImputationsBinary, IMPUTATION_COPY_COLUMNS, type ResolvedImputation } from './imputation-copy';

/** What one transaction did with its rows (devices are resolved before; unknown ones never reach it). */
export interface GroupWriteCounts {
  written: number;
  alreadyImputed: number;
  notMissing: number;
}

/** Enough memory to hash and sort a group of 100,000 predictions without spilling to disk. */
const WRITE_WORK_MEM = '64MB';
const UNIQUE_VIOLATION = '23505';

/**
 * The readings of a group that cannot take a new imputation, by position
 * (1-based): not missing (observed, or no such reading), or imputed already.
 * Usually none, so little comes back. The bounds (the group's time span and
 * sensor range) let the planner prune `readings`' monthly partitions and hash
 * only the group's own missing readings, not every parallel group's.
 */
const CHECK_SQL = `
  select t.ord::int as ord, x.ts is null as not_missing
    from unnest($1::int4[], $2::text[], $3::timestamptz[]) with ordinality as t(sensor_ref, parameter, ts, ord)
    left join readings x on x.sensor_ref = t.sensor_ref and x.parameter = t.parameter and x.ts = t.ts
                        and x.value is null and x.ts between $4::timestamptz and $5::timestamptz and x.sensor_ref between $6 and $7
    left join imputations m on m.sensor_ref = t.sensor_ref and m.parameter = t.parameter and m.ts = t.ts
   where x.ts is null or m.ts is not null`;

/**
 * The careful form, for when another writer committed some of the same
 * readings after the check: one `INSERT ... SELECT ... ON CONFLICT DO
 * NOTHING` over the group's missing readings, counting from the same pass.
 * A reading the batch repeats keeps its first prediction (the rows keep the
 * batch's order within a key).
 */
const CAREFUL_SQL = `
  with input as (
    select t.*, x.ts is not null as missing
      from unnest($1::int4[], $2::text[], $3::timestamptz[], $4::float8[], $5::float8[], $6::float8[]) with ordinality as t(sensor_ref, parameter, ts, value, lower, upper, ord)
      left join readings x on x.sensor_ref = t.sensor_ref and x.parameter = t.parameter and x.ts = t.ts and x.value is null
  ), inserted as (
    insert into imputations (sensor_ref, parameter, ts, value, lower, upper, model_version, run_id)
    select sensor_ref, parameter, ts, value, lower, upper, $7, $8 from input where missing
     order by sensor_ref, parameter, ts, ord
    on conflict (sensor_ref, parameter, ts) do nothing
    returning 1
  )
  select count(*) filter (where missing) as eligible, (select count(*) from inserted) as written from input`;

/**
 * Writes one group of imputations (sorted in the primary key's order) in one
 * transaction: holds the run against deletion (`FOR KEY SHARE`, the lock a
 * per-row foreign key would take; an unknown run is a DatabaseInputError and
 * nothing is stored), asks which readings cannot take an imputation, and
 * COPYs the others straight into `imputations` in binary (a COPY inserts
 * rows a page at a time, where `INSERT ... SELECT` inserts and logs them one
 * by one: the insert was two thirds of the statement's time). If another
 * writer committed some of the same readings since the check, the COPY
 * breaks the key and the careful form stores the rest around them.
 * Idempotent: a second write of the same group stores nothing.
 */
export async function writeImputationGroup(
  database: Database,
  provenance: { runId: string; modelVersion: string },
  /** Sorted by sensor (first and last give the group's sensor range). */
  rows: readonly ResolvedImputation[],
): Promise<GroupWriteCounts> {
  return inTransaction(database, async (client) => {
    await client.query(`set local work_mem = '${WRITE_WORK_MEM}'`);
    const run = await client.query('select 1 from runs where run_id = $1 for key share', [provenance.runId]);
    if (run.rowCount === 0) {
      throw new DatabaseInputError(`run ${provenance.runId} does not exist; imputations must name the run that made them`, { runId: provenance.runId });
    }
    if (rows.length === 0) return { written: 0, alreadyImputed: 0, notMissing: 0 };
    const keys = [int4Array(rows.map((row) => row.sensorRef)), textArray(rows.map((row) => row.parameter)), timestamptzArray(rows.map((row) => row.ms))];
    const span = timeSpan(rows);
    const sensors = [rows[0]!.sensorRef, rows.at(-1)!.sensorRef];
    const refused = await client.query<[number, boolean]>({ text: CHECK_SQL, values: [...keys, span.from, span.to, ...sensors], rowMode: 'array' });
    const skip = new Uint8Array(rows.length);
    let notMissing = 0;
    for (const [ord, isNotMissing] of refused.rows) {
      skip[ord - 1] = 1;
      if (isNotMissing) notMissing += 1;
    }
    const alreadyImputed = refused.rows.length - notMissing;
    const fresh = refused.rows.length === 0 ? rows : rows.filter((_, index) => skip[index] === 0);
    if (fresh.length === 0) return { written: 0, alreadyImputed, notMissing };
    await client.query('savepoint copy_imputations');
    try {
      return { written: await copyImputations(client, fresh, provenance), alreadyImputed, notMissing };
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      // Another writer stored some of these readings' imputations since the check (or the batch repeats a reading): store the rest around them.
      await client.query('rollback to savepoint copy_imputations');
      const values = [...keys, float8Array(rows.map((row) => row.value)), float8Array(rows.map((row) => row.lower)), float8Array(rows.map((row) => row.upper))];
      const counts = (await client.query<{ eligible: string; written: string }>(CAREFUL_SQL, [...values, provenance.modelVersion, provenance.runId])).rows[0]!;
      const eligible = Number(counts.eligible);
      const written = Number(counts.written);
      return { written, alreadyImputed: eligible - written, notMissing: rows.length - eligible };
    }
  });
}

/** COPYs rows into `imputations` in binary, chunk by chunk; returns how many it stored. */
async function copyImputations(client: pg.PoolClient, rows: readonly ResolvedImputation[], provenance: { runId: string; modelVersion: string }): Promise<number> {
  // Through Promise.resolve: a wrapped client (the local runtime's fault injection) returns the stream in a promise.
  const stream = await Promise.resolve(client.query(copyFrom(`copy ${IMPUTATION_COPY_COLUMNS} from stdin (format binary)`)));
  const done = finished(stream);
  for (const chunk of encodeImputationsBinary(rows, provenance)) {
    if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), done]);
  }
  stream.end();
  await done;
  return stream.rowCount;
}

/** The first and last instant of a group, as bounds for `readings`' partitions. */
function timeSpan(rows: readonly ResolvedImputation[]): { from: string; to: string } {
  let from = Infinity;
  let to = -Infinity;
  for (const row of rows) {
    if (row.ms < from) from = row.ms;
    if (row.ms > to) to = row.ms;
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}
