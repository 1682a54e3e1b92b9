import type { Database } from '../connection';

/** The kinds of alert (`alert_kind`). */
export type AlertKindName = 'dead' | 'stuck' | 'drift';

/** An episode found by a run (epoch ms). */
export interface FoundEpisode {
  deviceId: string;
  parameter: string;
  kind: AlertKindName;
  from: number;
  to: number;
  detail: string;
}

/** An alert already stored, as the reconciliation needs it. */
export interface StoredAlertSpan {
  id: number;
  deviceId: string;
  parameter: string;
  kind: AlertKindName;
  from: number;
  to: number;
}

/** What to store: new alerts, and known ones whose episode grew. */
export interface AlertChanges {
  raise: FoundEpisode[];
  extend: { id: number; from: number; to: number }[];
}

/** A stored alert, for reports. */
export interface StoredAlert {
  id: number;
  deviceId: string;
  parameter: string;
  kind: AlertKindName;
  startedAt: Date;
  endedAt: Date;
  detail: string;
  raisedRunId: string;
  raisedAt: Date;
  seenRunId: string;
}

/** Serialises alert bookkeeping between runs (two runs must not both raise one episode). */
const ALERTS_LOCK = `hashtext('airfill.quality_alerts')`;

/**
 * Records a run's alert episodes in one transaction, under a lock so that
 * overlapping runs cannot both raise one episode: reads the alerts stored
 * near `window` (within `marginMs`), lets `decide` (the pure
 * reconciliation) say which episodes are new and which continue a stored
 * alert, inserts the new ones (raised by `runId`) and extends the others.
 * Returns the alerts this run raised (over every attempt of it).
 */
export async function recordAlerts(
  database: Database,
  input: { runId: string; window: { from: number; to: number }; marginMs: number },
  decide: (stored: StoredAlertSpan[]) => AlertChanges,
): Promise<StoredAlert[]> {
  const client = await database.pool.connect();
  try {
    await client.query('begin');
    await client.query(`select pg_advisory_xact_lock(${ALERTS_LOCK})`);
    const { rows } = await client.query<{ id: number; device_id: string; parameter: string; kind: AlertKindName; from_ms: string; to_ms: string }>(
      `select a.id, s.device_id, a.parameter, a.kind,
              (extract(epoch from a.started_at) * 1000)::bigint as from_ms, (extract(epoch from a.ended_at) * 1000)::bigint as to_ms
         from quality_alerts a join sensors s on s.id = a.sensor_ref
        where a.ended_at >= $1 and a.started_at <= $2`,
      [new Date(input.window.from - input.marginMs), new Date(input.window.to + input.marginMs)],
    );
    const changes = decide(rows.map((row) => ({ id: row.id, deviceId: row.device_id, parameter: row.parameter, kind: row.kind, from: Number(row.from_ms), to: Number(row.to_ms) })));
    if (changes.raise.length > 0) {
      await client.query(
        `insert into quality_alerts (sensor_ref, parameter, kind, started_at, ended_at, detail, raised_run_id, seen_run_id)
         select s.id, e.parameter, e.kind, e.started_at, e.ended_at, e.detail, $7, $7
           from unnest($1::text[], $2::text[], $3::alert_kind[], $4::timestamptz[], $5::timestamptz[], $6::text[])
                  as e(device_id, parameter, kind, started_at, ended_at, detail)
           join sensors s on s.device_id = e.device_id`,
        [
          changes.raise.map((episode) => episode.deviceId),
          changes.raise.map((episode) => episode.parameter),
          changes.raise.map((episode) => episode.kind),
          changes.raise.map((episode) => new Date(episode.from)),
          changes.raise.map((episode) => new Date(episode.to)),
          changes.raise.map((episode) => episode.detail),
          input.runId,
        ],
      );
    }
    if (changes.extend.length > 0) {
      await client.query(
        `update quality_alerts a set started_at = e.started_at, ended_at = e.ended_at, seen_run_id = $4, seen_at = now()
           from unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) as e(id, started_at, ended_at)
          where a.id = e.id`,
        [changes.extend.map((alert) => alert.id), changes.extend.map((alert) => new Date(alert.from)), changes.extend.map((alert) => new Date(alert.to)), input.runId],
      );
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return listAlerts(database, { raisedBy: input.runId });
}

/**
 * Stored alerts, newest episode first: those a run raised (`raisedBy`), those
 * a run raised or saw go on (`seenBy`), or all (at most `limit`).
 */
export async function listAlerts(database: Database, filter: { raisedBy?: string; seenBy?: string; limit?: number } = {}): Promise<StoredAlert[]> {
  const { rows } = await database.pool.query<{
    id: number;
    device_id: string;
    parameter: string;
    kind: AlertKindName;
    started_at: Date;
    ended_at: Date;
    detail: string;
    raised_run_id: string;
    raised_at: Date;
    seen_run_id: string;
  }>(
    `select a.id, s.device_id, a.parameter, a.kind, a.started_at, a.ended_at, a.detail, a.raised_run_id::text as raised_run_id, a.raised_at, a.seen_run_id::text as seen_run_id
       from quality_alerts a join sensors s on s.id = a.sensor_ref
      where ($1::uuid is null or a.raised_run_id = $1) and ($2::uuid is null or a.seen_run_id = $2 or a.raised_run_id = $2)
      order by a.started_at desc, s.device_id, a.parameter, a.kind
      limit $3`,
    [filter.raisedBy ?? null, filter.seenBy ?? null, filter.limit ?? 10_000],
  );
  return rows.map((row) => ({
    id: row.id,
    deviceId: row.device_id,
    parameter: row.parameter,
    kind: row.kind,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    detail: row.detail,
    raisedRunId: row.raised_run_id,
    raisedAt: row.raised_at,
    seenRunId: row.seen_run_id,
  }));
}
