import type { SeriesPoint, SummaryBucket } from './api';

/** What a chart needs of a point. */
type ChartPoint = Pick<SeriesPoint, 'timestamp' | 'value' | 'observed' | 'filled' | 'lower' | 'upper'>;
/** What a chart needs of a bucket. */
type ChartBucket = Pick<SummaryBucket, 'timestamp' | 'observed' | 'filled' | 'observedCount' | 'imputedCount' | 'unfilledCount' | 'lower' | 'upper'>;

/** Columns uPlot draws: time (s), observed, filled-only, lower, upper. */
export type ChartColumns = [number[], (number | null)[], (number | null)[], (number | null)[], (number | null)[]];

/** Counts shown beside the chart. */
export interface ChartCounts {
  readings: number;
  observed: number;
  filled: number;
  unfilled: number;
}

/** Raw points to columns: observed values as a line, imputed ones as points, their interval as a band. */
export function pointsToColumns(points: readonly ChartPoint[]): { columns: ChartColumns; counts: ChartCounts } {
  const columns: ChartColumns = [[], [], [], [], []];
  const counts: ChartCounts = { readings: points.length, observed: 0, filled: 0, unfilled: 0 };
  for (const p of points) {
    columns[0].push(Date.parse(p.timestamp) / 1000);
    columns[1].push(p.observed ? p.value : null);
    columns[2].push(p.observed ? null : p.filled);
    columns[3].push(p.observed ? null : p.lower);
    columns[4].push(p.observed ? null : p.upper);
    if (p.observed) counts.observed += 1;
    else if (p.filled !== null) counts.filled += 1;
    else counts.unfilled += 1;
  }
  return { columns, counts };
}

/** Buckets of a downsampled series to columns: mean observed as the line, the filled mean where the bucket holds imputed values. */
export function bucketsToColumns(buckets: readonly ChartBucket[]): { columns: ChartColumns; counts: ChartCounts } {
  const columns: ChartColumns = [[], [], [], [], []];
  const counts: ChartCounts = { readings: 0, observed: 0, filled: 0, unfilled: 0 };
  for (const b of buckets) {
    columns[0].push(Date.parse(b.timestamp) / 1000);
    columns[1].push(b.observed);
    columns[2].push(b.imputedCount > 0 ? b.filled : null);
    columns[3].push(b.imputedCount > 0 ? b.lower : null);
    columns[4].push(b.imputedCount > 0 ? b.upper : null);
    counts.readings += b.observedCount + b.imputedCount + b.unfilledCount;
    counts.observed += b.observedCount;
    counts.filled += b.imputedCount;
    counts.unfilled += b.unfilledCount;
  }
  return { columns, counts };
}
