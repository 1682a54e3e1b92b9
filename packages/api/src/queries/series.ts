import type { Database } from '@airfill/db';
import type { TimeWindow } from '../window';
import type { Channel } from './lookup';

/** One reading of a series, with its fill and provenance. */
export interface SeriesPoint {
  timestamp: string;
  /** As measured; null when missing. */
  value: number | null;
  /** Whether the sensor measured a value. */
  observed: boolean;
  /** The value with the gap filled: the measured one, else the imputed one; null when still missing. */
  filled: number | null;
  /** Bounds of the prediction interval of an imputed value (null for observed values and uncalibrated models). */
  lower: number | null;
  upper: number | null;
  /** Model and run that filled the value (null for observed values). */
  modelVersion: string | null;
  runId: string | null;
}

/** One page of a series. */
export interface SeriesPage {
  points: SeriesPoint[];
  /** Timestamp to pass as `after` for the next page; null on the last page. */
  nextAfter: string | null;
  /** Missing readings in the page that no run has filled yet (a window holding none can still only change by late data). */
  unfilled: number;
}

type PointRow = {
  ts: Date;
  observed: number | null;
  value: number | null;
  lower: number | null;
  upper: number | null;
  model_version: string | null;
  run_id: string | null;
};

/**
 * Readings of one channel in `[from, to)`, oldest first, at most `limit`,
 * starting after `after` (keyset paging: each page is one range scan of the
 * primary key, however deep the page).
 */
export async function readSeries(
  database: Database,
  channel: Channel,
  query: TimeWindow & { after?: Date | undefined; limit: number },
): Promise<SeriesPage> {
  const { rows } = await database.pool.query<PointRow>(
    `select f.ts, f.observed, f.value, f.lower, f.upper, f.model_version, f.run_id
       from readings_filled f
      where f.sensor_ref = $1 and f.parameter = $2 and f.ts >= $3 and f.ts < $4 and ($5::timestamptz is null or f.ts > $5)
      order by f.ts
      limit $6`,
    [channel.sensorRef, channel.parameter, query.from, query.to, query.after ?? null, query.limit + 1],
  );
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  let unfilled = 0;
  const points = page.map((row): SeriesPoint => {
    if (row.value === null) unfilled += 1;
    return {
      timestamp: row.ts.toISOString(),
      value: row.observed,
      observed: row.observed !== null,
      filled: row.value,
      lower: row.lower,
      upper: row.upper,
      modelVersion: row.model_version,
      runId: row.run_id,
    };
  });
  return { points, nextAfter: more ? (points[points.length - 1]?.timestamp ?? null) : null, unfilled };
}

/** A time bucket of a downsampled series. */
export interface SummaryBucket {
  /** Start of the bucket. */
  timestamp: string;
  /** Mean of the observed values; null when none was observed. */
  observed: number | null;
  /** Mean of the filled values (observed and imputed). */
  filled: number | null;
  min: number | null;
  max: number | null;
  /** Readings observed, imputed, and still missing in the bucket. */
  observedCount: number;
  imputedCount: number;
  unfilledCount: number;
  /** Widest interval of the bucket's imputed values. */
  lower: number | null;
  upper: number | null;
}

/** Bucket widths a summary picks from: whole minutes, hours and days read well on a time axis. */
const BUCKET_STEPS_S = [60, 300, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800];

/** The narrowest bucket width that gives at most `points` buckets over the window. */
export function bucketSeconds(window: TimeWindow, points: number): number {
  const needed = (window.to.getTime() - window.from.getTime()) / 1000 / points;
  return BUCKET_STEPS_S.find((step) => step >= needed) ?? Math.ceil(needed / 86_400) * 86_400;
}

/**
 * One channel downsampled on the server: at most `points` buckets over the
 * window, each with the mean observed and filled values, the range, counts
 * and the widest interval. One aggregate over a primary-key range.
 */
export async function readSeriesSummary(
  database: Database,
  channel: Channel,
  query: TimeWindow & { points: number },
): Promise<{ bucketSeconds: number; buckets: SummaryBucket[] }> {
  const seconds = bucketSeconds(query, query.points);
  const { rows } = await database.pool.query<{
    bucket: Date;
    observed: number | null;
    filled: number | null;
    min: number | null;
    max: number | null;
    observed_count: number;
    imputed_count: number;
    unfilled_count: number;
    lower: number | null;
    upper: number | null;
  }>(
    `select to_timestamp(floor(extract(epoch from f.ts) / $5) * $5) as bucket,
            avg(f.observed) as observed, avg(f.value) as filled, min(f.value) as min, max(f.value) as max,
            count(f.observed)::int as observed_count,
            count(*) filter (where f.is_imputed)::int as imputed_count,
            count(*) filter (where f.value is null)::int as unfilled_count,
            min(f.lower) as lower, max(f.upper) as upper
       from readings_filled f
      where f.sensor_ref = $1 and f.parameter = $2 and f.ts >= $3 and f.ts < $4
      group by 1 order by 1`,
    [channel.sensorRef, channel.parameter, query.from, query.to, seconds],
  );
  return {
    bucketSeconds: seconds,
    buckets: rows.map((row) => ({
      timestamp: row.bucket.toISOString(),
      observed: row.observed,
      filled: row.filled,
      min: row.min,
      max: row.max,
      observedCount: row.observed_count,
      imputedCount: row.imputed_count,
      unfilledCount: row.unfilled_count,
      lower: row.lower,
      upper: row.upper,
    })),
  };
}
