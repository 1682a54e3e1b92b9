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

type ReadingRow = { ts: string; value: number | null };
type ImputationRow = { ts: string; value: number; lower: number | null; upper: number | null; model_version: string; run_id: string };

/**
 * The imputation of reading `r`, looked up on its primary key: one index
 * probe per reading, so a summary's aggregate has one plan whatever the
 * planner knows (with the `readings_filled` view's plain join, a planner
 * without statistics yet, right after a load, filtered every imputation of
 * the sensor per reading).
 */
const IMPUTATION_OF_READING = `select i.value, i.lower, i.upper, i.model_version, i.run_id from imputations i
  where i.sensor_ref = r.sensor_ref and i.parameter = r.parameter and i.ts = r.ts limit 1`;

/** SQL that prints a timestamptz as JavaScript's toISOString() does. */
const ISO_UTC = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Readings of one channel in `[from, to)`, oldest first, at most `limit`,
 * starting after `after` (keyset paging: each page is one range scan of the
 * primary key, however deep the page), with the imputations of its missing
 * readings. Those come from a second range scan of `imputations`' primary
 * key over the page's span, merged here in time order: two ordered scans
 * instead of one index probe per reading (a sensor-month: 2.5 ms of the
 * database's time instead of 5.8 ms), and a plan that does not depend on
 * statistics.
 */
export async function readSeries(
  database: Database,
  channel: Channel,
  query: TimeWindow & { after?: Date | undefined; limit: number },
): Promise<SeriesPage> {
  // The timestamps are formatted by the server: a string per row, not a Date parsed and printed again.
  const { rows } = await database.pool.query<ReadingRow>(
    `select ${ISO_UTC('ts')} as ts, value from readings
      where sensor_ref = $1 and parameter = $2 and ts >= $3 and ts < $4 and ($5::timestamptz is null or ts > $5)
      order by readings.ts
      limit $6`,
    [channel.sensorRef, channel.parameter, query.from, query.to, query.after ?? null, query.limit + 1],
  );
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const imputations = page.some((row) => row.value === null) ? await readImputations(database, channel, page[0]!.ts, page[page.length - 1]!.ts) : [];
  let unfilled = 0;
  let next = 0;
  const points = page.map((row): SeriesPoint => {
    if (row.value !== null) return { timestamp: row.ts, value: row.value, observed: true, filled: row.value, lower: null, upper: null, modelVersion: null, runId: null };
    // Both lists are in time order and their timestamps are printed alike: a merge.
    while (next < imputations.length && imputations[next]!.ts < row.ts) next += 1;
    const imputation = imputations[next]?.ts === row.ts ? imputations[next] : undefined;
    if (!imputation) unfilled += 1;
    return {
      timestamp: row.ts,
      value: null,
      observed: false,
      filled: imputation?.value ?? null,
      lower: imputation?.lower ?? null,
      upper: imputation?.upper ?? null,
      modelVersion: imputation?.model_version ?? null,
      runId: imputation?.run_id ?? null,
    };
  });
  return { points, nextAfter: more ? (points[points.length - 1]?.timestamp ?? null) : null, unfilled };
}

/** Imputations of one channel from `first` to `last` (both included), oldest first. */
async function readImputations(database: Database, channel: Channel, first: string, last: string): Promise<ImputationRow[]> {
  const { rows } = await database.pool.query<ImputationRow>(
    `select ${ISO_UTC('ts')} as ts, value, lower, upper, model_version, run_id from imputations
      where sensor_ref = $1 and parameter = $2 and ts >= $3 and ts <= $4
      order by imputations.ts`,
    [channel.sensorRef, channel.parameter, first, last],
  );
  return rows;
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
    `select to_timestamp(floor(extract(epoch from r.ts) / $5) * $5) as bucket,
            avg(r.value) as observed, avg(coalesce(r.value, i.value)) as filled,
            min(coalesce(r.value, i.value)) as min, max(coalesce(r.value, i.value)) as max,
            count(r.value)::int as observed_count,
            count(i.value) filter (where r.value is null)::int as imputed_count,
            count(*) filter (where r.value is null and i.value is null)::int as unfilled_count,
            min(i.lower) filter (where r.value is null) as lower, max(i.upper) filter (where r.value is null) as upper
       from readings r
       left join lateral (${IMPUTATION_OF_READING}) i on true
      where r.sensor_ref = $1 and r.parameter = $2 and r.ts >= $3 and r.ts < $4
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
