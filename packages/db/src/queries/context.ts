import type { Database } from '../connection';
import { numbersOf } from './numbers';
import { listReadingsPartitions } from './partitions';

/** Where a sensor stands (the feature contract's `SensorSite`). */
export interface ContextSite {
  deviceId: string;
  latitude: number;
  longitude: number;
}

/** The observed values of one parameter at one sensor, oldest first (the feature contract's `ObservedSeries`, times in epoch ms). */
export interface ContextSeries {
  deviceId: string;
  parameter: string;
  ts: number[];
  values: number[];
}

/**
 * The context features need around a set of targets: every sensor's site, and
 * every observed value of every parameter (or of `parameters`: those a model's
 * features read) in `[from, to)`, one series per sensor and parameter.
 * Missing readings are left out (a model never sees the truth it predicts,
 * and NULL carries nothing); imputed values are left out too, from this run
 * or any other: features are made of observations only, so one parameter's
 * fills never feed another's predictions. The server joins each series into
 * two lists of numbers (epoch ms, values: float8's shortest exact text), so
 * a year of a network is a few hundred rows, not a million.
 */
export async function readFeatureContext(
  database: Database,
  window: { from: Date; to: Date; parameters?: readonly string[] },
): Promise<{ sites: ContextSite[]; series: ContextSeries[] }> {
  const sites = await database.pool.query<{ device_id: string; latitude: number; longitude: number }>(
    'select device_id, latitude, longitude from sensors order by device_id',
  );
  const series = await database.pool.query<{ device_id: string; parameter: string; ts: string; values: string }>(
    `select s.device_id, r.parameter,
            string_agg(((extract(epoch from r.ts) * 1000)::bigint)::text, ',' order by r.ts) as ts,
            string_agg(r.value::text, ',' order by r.ts) as values
       from readings r join sensors s on s.id = r.sensor_ref
      where r.value is not null and r.value not in ('NaN', 'Infinity', '-Infinity') and r.ts >= $1 and r.ts < $2
        and ($3::text[] is null or r.parameter = any($3))
      group by s.device_id, r.parameter
      order by s.device_id, r.parameter`,
    [window.from, window.to, window.parameters ? [...window.parameters] : null],
  );
  return {
    sites: sites.rows.map((row) => ({ deviceId: row.device_id, latitude: row.latitude, longitude: row.longitude })),
    series: series.rows.map((row) => ({ deviceId: row.device_id, parameter: row.parameter, ts: numbersOf(row.ts), values: numbersOf(row.values) })),
  };
}

/** How many imputations a run stored (so a retried write reports the run's total, not zero). */
export async function countRunImputations(database: Database, runId: string): Promise<number> {
  const { rows } = await database.pool.query<{ n: string }>('select count(*) as n from imputations where run_id = $1', [runId]);
  return Number(rows[0]?.n ?? 0);
}

/**
 * The newest observed value's time of a parameter in `[from, to)` (either
 * bound optional), or null. Walks `readings`' monthly partitions newest
 * first and stops at the first that has one, so on a large table it reads
 * one or two months, not the whole history.
 */
export async function latestObservedAt(database: Database, parameter: string, window: { from?: Date | null; to?: Date | null } = {}): Promise<Date | null> {
  const partitions = await listReadingsPartitions(database);
  for (const partition of partitions.reverse()) {
    if (window.to && partition.from >= window.to) continue;
    if (window.from && partition.to <= window.from) break;
    const { rows } = await database.pool.query<{ latest: Date | null }>(
      `select max(ts) as latest from ${partition.name}
        where parameter = $1 and value is not null and ($2::timestamptz is null or ts >= $2) and ($3::timestamptz is null or ts < $3)`,
      [parameter, window.from ?? null, window.to ?? null],
    );
    if (rows[0]?.latest) return rows[0].latest;
  }
  return null;
}
