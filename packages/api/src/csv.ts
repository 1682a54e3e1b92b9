import { csvCell } from '@airfill/schema';
import type { SeriesPoint } from './queries/series';

/** Header of a series as CSV. */
export const SERIES_CSV_HEADER = 'timestamp,value,observed,filled,lower,upper,model_version,run_id';

const cell = (value: string | number | boolean | null): string => (value === null ? '' : csvCell(String(value)));

/** A page of a series as CSV (RFC 4180, header first, empty cells for nulls). */
export function seriesToCsv(points: readonly SeriesPoint[]): string {
  const lines = [SERIES_CSV_HEADER];
  for (const p of points) {
    lines.push([p.timestamp, p.value, p.observed, p.filled, p.lower, p.upper, p.modelVersion, p.runId].map(cell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Whether the client asked for CSV: `format=csv`, or no `format` and an Accept header that prefers text/csv. */
export function wantsCsv(format: 'json' | 'csv' | undefined, accept: string | undefined): boolean {
  if (format) return format === 'csv';
  if (!accept) return false;
  const csv = accept.indexOf('text/csv');
  const json = accept.indexOf('application/json');
  return csv >= 0 && (json < 0 || csv < json);
}
