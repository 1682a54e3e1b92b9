import type { Database } from '../connection';
import { NUMBER_PATTERN } from './number-pattern';
import { numbersOf } from './numbers';

/** Where the stored readings begin and end (epoch ms), or null when none are stored. */
export async function readingsSpan(database: Database): Promise<{ first: number; last: number } | null> {
  // Per channel, a step on the primary key at each end: never a scan of readings.
  const { rows } = await database.pool.query<{ first: string | null; last: string | null }>(
    `select (extract(epoch from min(f.ts)) * 1000)::bigint as first, (extract(epoch from max(l.ts)) * 1000)::bigint as last
       from sensor_channels c
      cross join lateral (select r.ts from readings r where r.sensor_ref = c.sensor_ref and r.parameter = c.parameter order by r.ts limit 1) f
      cross join lateral (select r.ts from readings r where r.sensor_ref = c.sensor_ref and r.parameter = c.parameter order by r.ts desc limit 1) l`,
  );
  const row = rows[0];
  return row?.first == null || row.last == null ? null : { first: Number(row.first), last: Number(row.last) };
}

/** The end of the latest window a finished quality-control run flagged (epoch ms), or null before the first. */
export async function lastCheckedUntil(database: Database): Promise<number | null> {
  const { rows } = await database.pool.query<{ until: string | null }>(
    `select (extract(epoch from max(window_to)) * 1000)::bigint as until from quality_checks where finished_at is not null`,
  );
  return rows[0]?.until == null ? null : Number(rows[0].until);
}

/** What the checks read: sites, sensor types and received values (epoch ms). */
export interface QualityWindow {
  sites: { deviceId: string; latitude: number; longitude: number }[];
  channels: { deviceId: string; parameter: string; sensorType: string | null }[];
  /** One per channel: the epoch ms and values of its readings, oldest first. */
  series: { deviceId: string; parameter: string; ts: number[]; values: number[] }[];
  /** Readings (device, parameter, ts) whose flag of a check a person cleared: the checks' finding on them is overruled. */
  cleared: { deviceId: string; parameter: string; ts: number; check: string }[];
}

/**
 * The readings of every parameter in [from, to) as received: trusted values,
 * and the raw values of readings that quality control itself set aside
 * (open `invalid` flags of `checks` only). The checks so see a window as it
 * arrived, whatever earlier runs flagged: a stuck run stays one run across
 * runs, and a re-run finds the same flags (stored once). Readings a person
 * invalidated (`manual`), missing values and sentinels are left out.
 */
export async function readQualityWindow(database: Database, window: { from: Date; to: Date }, checks: readonly string[]): Promise<QualityWindow> {
  const [sites, channels, cleared] = await Promise.all([
    database.pool.query<{ id: number; device_id: string; latitude: number; longitude: number }>('select id, device_id, latitude, longitude from sensors order by device_id'),
    database.pool.query<{ device_id: string; parameter: string; sensor_type: string | null }>(
      'select s.device_id, c.parameter, c.sensor_type from sensor_channels c join sensors s on s.id = c.sensor_ref order by 1, 2',
    ),
    database.pool.query<{ device_id: string; parameter: string; ts: string; check: string }>(
      `select s.device_id, f.parameter, (extract(epoch from f.ts) * 1000)::bigint as ts, f."check"
         from flags f join sensors s on s.id = f.sensor_ref
        where f.cleared_at is not null and f.ts >= $1 and f.ts < $2`,
      [window.from, window.to],
    ),
  ]);
  const series = await readSeriesInBatches(database, window, checks, sites.rows.map((row) => row.id));
  return {
    sites: sites.rows.map((row) => ({ deviceId: row.device_id, latitude: row.latitude, longitude: row.longitude })),
    channels: channels.rows.map((row) => ({ deviceId: row.device_id, parameter: row.parameter, sensorType: row.sensor_type })),
    series,
    cleared: cleared.rows.map((row) => ({ deviceId: row.device_id, parameter: row.parameter, ts: Number(row.ts), check: row.check })),
  };
}

/** Sensors whose series are read in one query: the server's text for a batch is parsed and let go before the next (a window of a large network is hundreds of MB of text). */
const SENSORS_PER_READ = 100;

/**
 * Each channel's readings in the window (observed values, and the raw values
 * of readings these checks set aside), joined into two lists of numbers by
 * the server: a few hundred rows instead of millions. In batches of
 * sensors (`ids`, in device id order), so only a batch's text is held at once.
 */
async function readSeriesInBatches(database: Database, window: { from: Date; to: Date }, checks: readonly string[], ids: readonly number[]): Promise<QualityWindow['series']> {
  const series: QualityWindow['series'] = [];
  for (let at = 0; at < ids.length; at += SENSORS_PER_READ) {
    const { rows } = await database.pool.query<{ device_id: string; parameter: string; ts: string; values: string }>(
      `select s.device_id, r.parameter,
              string_agg(((extract(epoch from r.ts) * 1000)::bigint)::text, ',' order by r.ts) as ts,
              string_agg((case when r.value is not null then r.value else r.raw_value::double precision end)::text, ',' order by r.ts) as values
         from readings r join sensors s on s.id = r.sensor_ref
        where r.ts >= $1 and r.ts < $2 and r.sensor_ref = any($4::int[])
          and (r.value is not null
               or (r.raw_value ~ '${NUMBER_PATTERN}'
                   and exists (select 1 from flags f
                                where f.sensor_ref = r.sensor_ref and f.parameter = r.parameter and f.ts = r.ts
                                  and f.severity = 'invalid' and f.cleared_at is null and f."check" = any($3::text[]))
                   and not exists (select 1 from flags f
                                    where f.sensor_ref = r.sensor_ref and f.parameter = r.parameter and f.ts = r.ts
                                      and f.severity = 'invalid' and f.cleared_at is null and f."check" <> all($3::text[]))))
        group by s.device_id, r.parameter
        order by s.device_id, r.parameter`,
      [window.from, window.to, checks, ids.slice(at, at + SENSORS_PER_READ)],
    );
    for (const row of rows) series.push({ deviceId: row.device_id, parameter: row.parameter, ts: numbersOf(row.ts), values: numbersOf(row.values) });
  }
  return series;
}
