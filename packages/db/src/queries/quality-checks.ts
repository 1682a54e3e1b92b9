import type { PoolClient } from 'pg';
import type { Database } from '../connection';
import { DatabaseError } from '../errors';

/** A flag found by a quality check (epoch ms), as `@airfill/quality` returns it. */
export interface FoundFlag {
  deviceId: string;
  parameter: string;
  ts: number;
  check: string;
  severity: 'invalid' | 'suspect';
  detail: string;
}

/** What storing a batch of flags changed. */
export interface FlagWriteResult {
  /** New flags, by severity (a flag already stored for the reading and check, open or cleared, is not stored again). */
  invalid: number;
  suspect: number;
  /** Trusted values the new invalid flags turned into missing. */
  nulled: number;
}

/** The step's bookkeeping of one run: its window and what it read. */
export interface QualityCheckStart {
  runId: string;
  window: { from: Date; to: Date };
  read: { from: Date; to: Date };
}

/** One run's line in the `quality_checks` ledger. */
export interface QualityCheckRecord {
  runId: string;
  window: { from: Date; to: Date };
  read: { from: Date; to: Date };
  readings: number;
  invalid: number;
  suspect: number;
  nulled: number;
  alertsRaised: number;
  startedAt: Date;
  finishedAt: Date | null;
}

const BATCH = 50_000;

/**
 * Opens (or, for a retry, reopens) the run's line in the ledger. Counts a
 * retry already stored stay: they count flags stored once.
 */
export async function startQualityCheck(database: Database, start: QualityCheckStart): Promise<void> {
  await database.pool.query(
    `insert into quality_checks (run_id, window_from, window_to, read_from, read_to) values ($1, $2, $3, $4, $5)
     on conflict (run_id) do update set window_from = excluded.window_from, window_to = excluded.window_to,
       read_from = excluded.read_from, read_to = excluded.read_to, finished_at = null`,
    [start.runId, start.window.from, start.window.to, start.read.from, start.read.to],
  );
}

async function writeBatch(client: PoolClient, runId: string, flags: readonly FoundFlag[]): Promise<FlagWriteResult> {
  const { rows } = await client.query<{ invalid: string; suspect: string; nulled: string }>(
    `with found as (
       select * from unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::flag_severity[], $6::text[])
         as f(device_id, parameter, ts, "check", severity, detail)
     ), inserted as (
       insert into flags (sensor_ref, parameter, ts, "check", severity, detail, run_id)
       select r.sensor_ref, f.parameter, f.ts, f."check", f.severity, f.detail, $7
         from found f
         join sensors s on s.device_id = f.device_id
         join readings r on r.sensor_ref = s.id and r.parameter = f.parameter and r.ts = f.ts
       on conflict (sensor_ref, parameter, ts, "check") do nothing
       returning sensor_ref, parameter, ts, severity
     ), nulled as (
       update readings r set value = null
         from inserted i
        where i.severity = 'invalid' and r.sensor_ref = i.sensor_ref and r.parameter = i.parameter and r.ts = i.ts and r.value is not null
       returning 1
     )
     select (select count(*) from inserted where severity = 'invalid') as invalid,
            (select count(*) from inserted where severity = 'suspect') as suspect,
            (select count(*) from nulled) as nulled`,
    [
      flags.map((flag) => flag.deviceId),
      flags.map((flag) => flag.parameter),
      flags.map((flag) => new Date(flag.ts)),
      flags.map((flag) => flag.check),
      flags.map((flag) => flag.severity),
      flags.map((flag) => flag.detail),
      runId,
    ],
  );
  const row = rows[0]!;
  return { invalid: Number(row.invalid), suspect: Number(row.suspect), nulled: Number(row.nulled) };
}

/**
 * Stores the flags a run found, set-based (`unnest` arrays, one
 * `INSERT ... ON CONFLICT (reading, check) DO NOTHING` per batch): a re-run
 * stores nothing twice, and a flag a person cleared stays cleared (its value
 * trusted). Each new `invalid` flag sets its reading's value to NULL in the
 * same statement (the raw text stays in `raw_value`), so the missing scan,
 * features and training treat it as missing and the fill fills it. Flags of
 * readings that are not stored are dropped. The run's ledger line counts
 * what was stored, in the same transaction as each batch.
 */
export async function writeQualityFlags(database: Database, runId: string, flags: readonly FoundFlag[]): Promise<FlagWriteResult> {
  const total: FlagWriteResult = { invalid: 0, suspect: 0, nulled: 0 };
  for (let at = 0; at < flags.length; at += BATCH) {
    const client = await database.pool.connect();
    try {
      await client.query('begin');
      const batch = await writeBatch(client, runId, flags.slice(at, at + BATCH));
      await client.query(`update quality_checks set invalid = invalid + $2, suspect = suspect + $3, nulled = nulled + $4 where run_id = $1`, [
        runId,
        batch.invalid,
        batch.suspect,
        batch.nulled,
      ]);
      await client.query('commit');
      total.invalid += batch.invalid;
      total.suspect += batch.suspect;
      total.nulled += batch.nulled;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  return total;
}

/** Closes the run's ledger line: readings checked, and the alerts it raised (over every attempt). */
export async function finishQualityCheck(database: Database, runId: string, readings: number): Promise<QualityCheckRecord> {
  await database.pool.query(
    `update quality_checks set readings = $2, finished_at = now(),
            alerts_raised = (select count(*) from quality_alerts where raised_run_id = $1)
      where run_id = $1`,
    [runId, readings],
  );
  const found = await getQualityCheck(database, runId);
  if (!found) throw new DatabaseError(`quality check ${runId} has no ledger line (startQualityCheck first)`, { runId });
  return found;
}

/** A run's line in the ledger, or undefined when it checked nothing. */
export async function getQualityCheck(database: Database, runId: string): Promise<QualityCheckRecord | undefined> {
  const { rows } = await database.pool.query<{
    run_id: string;
    window_from: Date;
    window_to: Date;
    read_from: Date;
    read_to: Date;
    readings: number;
    invalid: number;
    suspect: number;
    nulled: number;
    alerts_raised: number;
    started_at: Date;
    finished_at: Date | null;
  }>('select * from quality_checks where run_id = $1', [runId]);
  const row = rows[0];
  if (!row) return undefined;
  return {
    runId: row.run_id,
    window: { from: row.window_from, to: row.window_to },
    read: { from: row.read_from, to: row.read_to },
    readings: row.readings,
    invalid: row.invalid,
    suspect: row.suspect,
    nulled: row.nulled,
    alertsRaised: row.alerts_raised,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
