import type { Database } from '@airfill/db';

/** One sensor's series for a chart, reduced to at most a few hundred buckets. */
export interface ChartSeries {
  deviceId: string;
  from: number;
  to: number;
  /** Bucket centres (ms). */
  t: number[];
  /** Mean observed value per bucket; null where nothing was observed. */
  observed: (number | null)[];
  /** Mean filled value per bucket; null where nothing was filled. */
  filled: (number | null)[];
}

/**
 * Observed and filled values of a parameter per sensor, from the
 * `readings_filled` view, averaged into at most `buckets` time buckets per
 * sensor so a year of hourly data still draws quickly.
 */
export async function readChartSeries(database: Database, parameter: string, buckets = 600): Promise<ChartSeries[]> {
  const { rows } = await database.pool.query<{ device_id: string; t: string; observed: number | null; imputed: number | null }>(
    `select s.device_id, (extract(epoch from f.ts) * 1000)::bigint as t, f.observed, f.imputed
       from readings_filled f join sensors s on s.id = f.sensor_ref
      where f.parameter = $1
      order by s.device_id, f.ts`,
    [parameter],
  );
  const bySensor = new Map<string, { t: number; observed: number | null; imputed: number | null }[]>();
  for (const row of rows) {
    const list = bySensor.get(row.device_id) ?? [];
    list.push({ t: Number(row.t), observed: row.observed, imputed: row.imputed });
    bySensor.set(row.device_id, list);
  }
  return [...bySensor].map(([deviceId, points]) => {
    const from = points[0]!.t;
    const to = points[points.length - 1]!.t;
    const count = Math.max(1, Math.min(buckets, points.length));
    const width = Math.max(1, (to - from) / count);
    const sums = Array.from({ length: count }, () => ({ o: 0, on: 0, f: 0, fn: 0 }));
    for (const point of points) {
      const bucket = sums[Math.min(count - 1, Math.floor((point.t - from) / width))]!;
      if (point.observed !== null) {
        bucket.o += point.observed;
        bucket.on += 1;
      } else if (point.imputed !== null) {
        bucket.f += point.imputed;
        bucket.fn += 1;
      }
    }
    return {
      deviceId,
      from,
      to,
      t: sums.map((_, index) => from + (index + 0.5) * width),
      observed: sums.map((bucket) => (bucket.on ? bucket.o / bucket.on : null)),
      filled: sums.map((bucket) => (bucket.fn ? bucket.f / bucket.fn : null)),
    };
  });
}
