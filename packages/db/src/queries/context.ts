import type { Database } from '../connection';

/** Where a sensor stands (the feature contract's `SensorSite`). */
export interface ContextSite {
  deviceId: string;
  latitude: number;
  longitude: number;
}

/** An observed reading of any parameter (the feature contract's `Observation`, time in epoch ms). */
export interface ContextObservation {
  deviceId: string;
  parameter: string;
  ts: number;
  value: number;
}

/**
 * The context features need around a set of targets: every sensor's site, and
 * every observed value of every parameter (or of `parameters`: those a model's
 * features read) in `[from, to)`. Missing readings are left out (a model never
 * sees the truth it predicts, and NULL carries nothing); imputed values are
 * left out too, from this run or any other: features are made of observations
 * only, so one parameter's fills never feed another's predictions.
 */
export async function readFeatureContext(
  database: Database,
  window: { from: Date; to: Date; parameters?: readonly string[] },
): Promise<{ sites: ContextSite[]; observations: ContextObservation[] }> {
  const sites = await database.pool.query<{ device_id: string; latitude: number; longitude: number }>(
    'select device_id, latitude, longitude from sensors order by device_id',
  );
  // Epoch ms computed by the server: one number per row instead of a Date object.
  const observations = await database.pool.query<{ device_id: string; parameter: string; ts: string; value: number }>(
    `select s.device_id, r.parameter, (extract(epoch from r.ts) * 1000)::bigint as ts, r.value
       from readings r join sensors s on s.id = r.sensor_ref
      where r.value is not null and r.ts >= $1 and r.ts < $2
        and ($3::text[] is null or r.parameter = any($3))
      order by s.device_id, r.parameter, r.ts`,
    [window.from, window.to, window.parameters ? [...window.parameters] : null],
  );
  return {
    sites: sites.rows.map((row) => ({ deviceId: row.device_id, latitude: row.latitude, longitude: row.longitude })),
    observations: observations.rows.map((row) => ({ deviceId: row.device_id, parameter: row.parameter, ts: Number(row.ts), value: row.value })),
  };
}

/** How many imputations a run stored (so a retried write reports the run's total, not zero). */
export async function countRunImputations(database: Database, runId: string): Promise<number> {
  const { rows } = await database.pool.query<{ n: string }>('select count(*) as n from imputations where run_id = $1', [runId]);
  return Number(rows[0]?.n ?? 0);
}
