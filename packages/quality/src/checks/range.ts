import type { Series } from '@airfill/features';
import type { SeriesFlag } from '../flags';
import { formatNumber } from '../series-stats';

/**
 * Out of the parameter's physical range: `invalid`. No sensor can measure a
 * negative concentration or 3,000 µg/m³ of PM 2.5; such a value is an
 * electrical or software fault, never the air.
 */
export function checkRange(series: Series, range: { min: number; max: number }, parameter: string): SeriesFlag[] {
  const flags: SeriesFlag[] = [];
  series.values.forEach((value, index) => {
    if (value >= range.min && value <= range.max) return;
    flags.push({
      index,
      severity: 'invalid',
      detail: `${formatNumber(value)} is outside the physical range of ${parameter}, ${formatNumber(range.min)} to ${formatNumber(range.max)}`,
    });
  });
  return flags;
}
