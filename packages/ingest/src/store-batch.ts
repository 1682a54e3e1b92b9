import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { READINGS_COPY_COLUMNS, type Batch } from './batch';
import type { RejectedRow } from './load';
import type { PartitionCover } from './partition-cover';
import type { SensorRegistry } from './sensor-registry';

/** What storing one batch did. */
export interface BatchOutcome {
  inserted: number;
  unchanged: number;
  /** Stored readings whose value this load turned into missing: same raw text, now a sentinel or invalid. */
  reinterpreted: number;
  conflicts: RejectedRow[];
  /** The rows went straight into `readings` (nothing of theirs was stored before). */
  direct: boolean;
}

/** The reject for a row whose reading is stored with another value. */
export function conflictReject(line: number, deviceId: string, parameter: string, ts: string, rawValue: string, kept: string): RejectedRow {
  return {
    kind: 'reject',
    line,
    column: 'value',
    reason: `a reading for ${deviceId}, ${parameter} at ${ts} is already stored with value "${kept}"; this row's value "${rawValue}" was not loaded`,
    row: '',
  };
}

/** The staging table of one load (dropped with its transaction): a batch in `readings`' columns, numbered in file order. */
export const STAGE_DDL = `create temp table stage (
  sensor_ref integer not null,
  parameter text not null,
  ts timestamptz not null,
  value double precision,
  raw_value text,
  row_number integer generated always as identity
) on commit drop`;

async function copyInto(client: PoolClient, table: string, bytes: Buffer): Promise<void> {
  await pipeline(Readable.from([bytes]), client.query(copyFrom(`copy ${table} ${READINGS_COPY_COLUMNS} from stdin`)));
}

/**
 * Whether any channel of the batch already has a stored reading within the
 * time span the batch covers for it: one index probe per channel, not per row.
 */
async function overlapsStored(client: PoolClient, batch: Batch, registry: SensorRegistry): Promise<boolean> {
  const { channels } = batch;
  const { rows } = await client.query<{ stored: boolean }>(
    `select exists (
       select 1 from unnest($1::int[], $2::text[], $3::timestamptz[], $4::timestamptz[]) as c(sensor_ref, parameter, first_ts, last_ts)
        where exists (select 1 from readings r
                       where r.sensor_ref = c.sensor_ref and r.parameter = c.parameter and r.ts >= c.first_ts and r.ts <= c.last_ts)) as stored`,
    [channels.map((channel) => registry.idOf(channel.deviceId)), channels.map((channel) => channel.parameter), channels.map((channel) => channel.first), channels.map((channel) => channel.last)],
  );
  return rows[0]?.stored ?? true;
}

type Differing = { row_number: number; sensor_ref: number; device_id: string; parameter: string; ts: Date; value: number | null; raw_value: string | null; kept_value: number | null; kept: string | null };

/**
 * The careful path, for a batch that may repeat stored readings: stage it,
 * insert what is new (`ON CONFLICT DO NOTHING`), and compare the rest with
 * what is stored. Another raw text with another value is a conflict
 * (rejected; the stored reading is kept, originals are never overwritten);
 * the same raw text that this load no longer trusts (now a sentinel, or out
 * of range) turns the stored value into missing, unless a cleared flag of
 * that check says the user trusts it.
 */
async function storeStaged(client: PoolClient, batch: Batch): Promise<Omit<BatchOutcome, 'direct'>> {
  await client.query('truncate stage restart identity');
  await copyInto(client, 'stage', batch.bytes);
  const inserted = await client.query(`insert into readings ${READINGS_COPY_COLUMNS} select sensor_ref, parameter, ts, value, raw_value from stage on conflict do nothing`);
  const insertedCount = inserted.rowCount ?? 0;
  const conflicts: RejectedRow[] = [];
  let reinterpreted = 0;
  if (insertedCount < batch.rows) {
    // One primary-key probe per staged row (the LATERAL with LIMIT cannot be
    // flattened into a join, which the planner would answer by hashing all of readings).
    const { rows: differing } = await client.query<Differing>(`
      select s.row_number, s.sensor_ref, d.device_id, s.parameter, s.ts, s.value, s.raw_value, r.value as kept_value, r.raw_value as kept
        from stage s
        join sensors d on d.id = s.sensor_ref
        cross join lateral (
          select x.value, x.raw_value from readings x
           where x.sensor_ref = s.sensor_ref and x.parameter = s.parameter and x.ts = s.ts
           limit 1) r
       where r.value is distinct from s.value
       order by s.row_number`);
    const flagChecks = new Map(batch.flagged.map((flag) => [flag.row, flag.check]));
    const untrusted: { row: Differing; check: string | null }[] = [];
    for (const row of differing) {
      const line = batch.lineOf(row.row_number - 1);
      if (row.raw_value !== row.kept) conflicts.push(conflictReject(line, row.device_id, row.parameter, row.ts.toISOString(), row.raw_value ?? '', row.kept ?? ''));
      // Same text, and the stored value is trusted while this load says missing: stop trusting it.
      else if (row.value === null && row.kept_value !== null) untrusted.push({ row, check: flagChecks.get(row.row_number - 1) ?? null });
      // Same text stored as missing that now reads as a number: the stored judgement stands (clear a flag to trust it).
    }
    if (untrusted.length > 0) {
      const updated = await client.query(
        `update readings r set value = null
           from unnest($1::int[], $2::text[], $3::timestamptz[], $4::text[]) as u(sensor_ref, parameter, ts, flag_check)
          where r.sensor_ref = u.sensor_ref and r.parameter = u.parameter and r.ts = u.ts and r.value is not null
            and not exists (select 1 from flags f
                             where f.sensor_ref = r.sensor_ref and f.parameter = r.parameter and f.ts = r.ts
                               and f."check" = u.flag_check and f.cleared_at is not null)`,
        [untrusted.map((u) => u.row.sensor_ref), untrusted.map((u) => u.row.parameter), untrusted.map((u) => u.row.ts), untrusted.map((u) => u.check)],
      );
      reinterpreted = updated.rowCount ?? 0;
    }
  }
  return { inserted: insertedCount, unchanged: batch.rows - insertedCount - conflicts.length - reinterpreted, reinterpreted, conflicts };
}

/** Stores the flags of the batch's invalid rows beside the readings that hold their raw text. */
async function storeFlags(client: PoolClient, batch: Batch): Promise<void> {
  const { flagged } = batch;
  if (flagged.length === 0) return;
  await client.query(
    `insert into flags (sensor_ref, parameter, ts, "check", severity, detail)
     select u.sensor_ref, u.parameter, u.ts, u.flag_check, 'invalid', u.detail
       from unnest($1::int[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[]) as u(sensor_ref, parameter, ts, raw_value, flag_check, detail)
      where exists (select 1 from readings x
                     where x.sensor_ref = u.sensor_ref and x.parameter = u.parameter and x.ts = u.ts and x.raw_value is not distinct from u.raw_value)
     on conflict (sensor_ref, parameter, ts, "check") do nothing`,
    [
      flagged.map((flag) => flag.sensorRef),
      flagged.map((flag) => flag.parameter),
      flagged.map((flag) => flag.ts),
      flagged.map((flag) => flag.rawValue),
      flagged.map((flag) => flag.check),
      flagged.map((flag) => flag.detail),
    ],
  );
}

/**
 * Stores a batch: its new sensors first, the partitions of its months, then
 * the rows. When every channel's rows came in time order and no channel has
 * a stored reading within the batch's span, nothing can conflict and the
 * batch is copied straight into `readings`, as fast as the database takes a
 * plain COPY. Otherwise (a reload, an overlap, rows out of order or
 * repeated) it takes the careful path through a staging table. Flags of
 * invalid rows are stored beside their readings.
 */
export async function storeBatch(client: PoolClient, registry: SensorRegistry, partitions: PartitionCover, batch: Batch): Promise<BatchOutcome> {
  await registry.storePending(client);
  batch.remapSensorRefs(registry.remapped);
  await partitions.cover(client, batch.minTs, batch.maxTs);
  let outcome: BatchOutcome;
  if (batch.ordered && !(await overlapsStored(client, batch, registry))) {
    await copyInto(client, 'readings', batch.bytes);
    outcome = { inserted: batch.rows, unchanged: 0, reinterpreted: 0, conflicts: [], direct: true };
  } else {
    outcome = { ...(await storeStaged(client, batch)), direct: false };
  }
  await storeFlags(client, batch);
  return outcome;
}
