import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { STAGE_COLUMNS, type Batch } from './batch';
import type { RejectedRow } from './load';
import type { SensorRegistry } from './sensor-registry';

/** What storing one batch did. */
export interface BatchOutcome {
  inserted: number;
  unchanged: number;
  /** Stored readings whose value this load turned into missing: same raw text, now a sentinel or invalid. */
  reinterpreted: number;
  conflicts: RejectedRow[];
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

type Differing = { line: number; device_id: string; parameter: string; ts: Date; value: number | null; raw_value: string | null; flag_check: string | null; kept_value: number | null; kept: string | null };

/**
 * Stores a batch: sensors first, COPY into the staging table, one
 * `INSERT ... ON CONFLICT DO NOTHING` into readings. Rows already stored are
 * compared with what is stored: another raw text with another value is a
 * conflict (rejected; the stored reading is kept, originals are never
 * overwritten); the same raw text that this load no longer trusts (now a
 * sentinel, or out of range) turns the stored value into missing, unless a
 * cleared flag of that check says the user trusts it. Flags of invalid rows
 * are stored beside their readings.
 */
export async function storeBatch(client: PoolClient, registry: SensorRegistry, rows: Batch): Promise<BatchOutcome> {
  await registry.storePending(client);
  await pipeline(Readable.from([rows.bytes]), client.query(copyFrom(`copy stage ${STAGE_COLUMNS} from stdin`)));
  const inserted = await client.query(`
    insert into readings (sensor_ref, parameter, ts, value, raw_value)
    select d.id, s.parameter, s.ts, s.value, s.raw_value
      from stage s join sensors d on d.device_id = s.device_id
    on conflict do nothing`);
  const insertedCount = inserted.rowCount ?? 0;
  const conflicts: RejectedRow[] = [];
  let reinterpreted = 0;
  if (insertedCount < rows.rows) {
    // Some rows were already stored. One primary-key probe per staged row (the
    // LATERAL with LIMIT cannot be flattened into a join, which the planner
    // would answer by hashing all of readings).
    const { rows: differing } = await client.query<Differing>(`
      select s.line, s.device_id, s.parameter, s.ts, s.value, s.raw_value, s.flag_check, r.value as kept_value, r.raw_value as kept
        from stage s
        join sensors d on d.device_id = s.device_id
        cross join lateral (
          select x.value, x.raw_value from readings x
           where x.sensor_ref = d.id and x.parameter = s.parameter and x.ts = s.ts
           limit 1) r
       where r.value is distinct from s.value
       order by s.line`);
    const untrusted: Differing[] = [];
    for (const row of differing) {
      if (row.raw_value !== row.kept) conflicts.push(conflictReject(row.line, row.device_id, row.parameter, row.ts.toISOString(), row.raw_value ?? '', row.kept ?? ''));
      // Same text, and the stored value is trusted while this load says missing: stop trusting it.
      else if (row.value === null && row.kept_value !== null) untrusted.push(row);
      // Same text stored as missing that now reads as a number: the stored judgement stands (clear a flag to trust it).
    }
    if (untrusted.length > 0) {
      const updated = await client.query(
        `update readings r set value = null
           from unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) as u(device_id, parameter, ts, flag_check)
           join sensors d on d.device_id = u.device_id
          where r.sensor_ref = d.id and r.parameter = u.parameter and r.ts = u.ts and r.value is not null
            and not exists (select 1 from flags f
                             where f.sensor_ref = r.sensor_ref and f.parameter = r.parameter and f.ts = r.ts
                               and f."check" = u.flag_check and f.cleared_at is not null)`,
        [untrusted.map((row) => row.device_id), untrusted.map((row) => row.parameter), untrusted.map((row) => row.ts), untrusted.map((row) => row.flag_check)],
      );
      reinterpreted = updated.rowCount ?? 0;
    }
  }
  if (rows.flagged > 0) {
    await client.query(`
      insert into flags (sensor_ref, parameter, ts, "check", severity, detail)
      select d.id, s.parameter, s.ts, s.flag_check, 'invalid', s.flag_detail
        from stage s
        join sensors d on d.device_id = s.device_id
        cross join lateral (
          select x.raw_value from readings x
           where x.sensor_ref = d.id and x.parameter = s.parameter and x.ts = s.ts
           limit 1) r
       where s.flag_check is not null and r.raw_value is not distinct from s.raw_value
      on conflict (sensor_ref, parameter, ts, "check") do nothing`);
  }
  await client.query('truncate stage');
  return { inserted: insertedCount, unchanged: rows.rows - insertedCount - conflicts.length - reinterpreted, reinterpreted, conflicts };
}
