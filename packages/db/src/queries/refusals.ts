import type { Database } from '../connection';

/** A prediction a run refused, by reading. */
export interface Refusal {
  deviceId: string;
  parameter: string;
  ts: Date;
  /** The refused value; null when it was not a number. */
  value: number | null;
  reason: string;
}

/**
 * Records a run's refused predictions in the ledger (`run_refusals`, and the
 * count on the run). Idempotent: a retry records each refusal once.
 */
export async function recordRefusals(database: Database, runId: string, refusals: readonly Refusal[]): Promise<void> {
  if (refusals.length > 0) {
    await database.pool.query(
      `insert into run_refusals (run_id, sensor_ref, parameter, ts, value, reason)
       select $1, s.id, u.parameter, u.ts, u.value, u.reason
         from unnest($2::text[], $3::text[], $4::timestamptz[], $5::float8[], $6::text[]) as u(device_id, parameter, ts, value, reason)
         join sensors s on s.device_id = u.device_id
       on conflict do nothing`,
      [
        runId,
        refusals.map((row) => row.deviceId),
        refusals.map((row) => row.parameter),
        refusals.map((row) => row.ts.toISOString()),
        refusals.map((row) => row.value),
        refusals.map((row) => row.reason),
      ],
    );
  }
  await database.pool.query(`update runs set refused = (select count(*) from run_refusals where run_id = $1), updated_at = now() where run_id = $1`, [runId]);
}

/** A run's refused predictions, oldest first. */
export async function listRefusals(database: Database, runId: string): Promise<Refusal[]> {
  const { rows } = await database.pool.query<{ device_id: string; parameter: string; ts: Date; value: number | null; reason: string }>(
    `select s.device_id, f.parameter, f.ts, f.value, f.reason
       from run_refusals f join sensors s on s.id = f.sensor_ref
      where f.run_id = $1
      order by f.ts, s.device_id`,
    [runId],
  );
  return rows.map((row) => ({ deviceId: row.device_id, parameter: row.parameter, ts: row.ts, value: row.value, reason: row.reason }));
}
