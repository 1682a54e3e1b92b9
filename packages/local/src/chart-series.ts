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
  /** Mean bounds of the filled values' intervals per bucket; null where none has one. */
  lower: (number | null)[];
  upper: (number | null)[];
}

/**
 * Observed and filled values of a parameter per sensor, from the
 * `readings_filled` view, averaged into at most `buckets` time buckets per
 * sensor so a year of hourly data still draws quickly.
 */
export async function readChartSeries(database: Database, parameter: string, buckets = 600): Promise<ChartSeries[]> {
  const { rows } = await database.pool.query<{ device_id: string; t: string; observed: number | null; imputed: number | null; lower: number | null; upper: number | null }>(
    `select s.device_id, (extract(epoch from f.ts) * 1000)::bigint as t, f.observed, f.imputed, f.lower, f.upper
       from readings_filled f join sensors s on s.id = f.sensor_ref
      where f.parameter = $1
      order by s.device_id, f.ts`,
    [parameter],
  );
  type Point = { t: number; observed: number | null; imputed: number | null; lower: number | null; upper: number | null };
  const bySensor = new Map<string, Point[]>();
  for (const row of rows) {
    const list = bySensor.get(row.device_id) ?? [];
    list.push({ t: Number(row.t), observed: row.observed, imputed: row.imputed, lower: row.lower, upper: row.upper });
    bySensor.set(row.device_id, list);
  }
  return [...bySensor].map(([deviceId, points]) => {
    const from = points[0]!.t;
    const to = points[points.length - 1]!.t;
    const count = Math.max(1, Math.min(buckets, points.length));
    const width = Math.max(1, (to - from) / count);
    const sums = Array.from({ length: count }, () => ({ o: 0, on: 0, f: 0, fn: 0, l: 0, u: 0, bn: 0 }));
    for (const point of points) {
      const bucket = sums[Math.min(count - 1, Math.floor((point.t - from) / width))]!;
      if (point.observed !== null) {
        bucket.o += point.observed;
        bucket.on += 1;
      } else if (point.imputed !== null) {
        bucket.f += point.imputed;
        bucket.fn += 1;
        if (point.lower !== null && point.upper !== null) {
          bucket.l += point.lower;
          bucket.u += point.upper;
          bucket.bn += 1;
        }
      }
    }
    return {
      deviceId,
      from,
      to,
      t: sums.map((_, index) => from + (index + 0.5) * width),
      observed: sums.map((bucket) => (bucket.on ? bucket.o / bucket.on : null)),
      filled: sums.map((bucket) => (bucket.fn ? bucket.f / bucket.fn : null)),
      lower: sums.map((bucket) => (bucket.bn ? bucket.l / bucket.bn : null)),
      upper: sums.map((bucket) => (bucket.bn ? bucket.u / bucket.bn : null)),
    };
  });
}
