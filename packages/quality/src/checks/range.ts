import type { Series } from '@airfill/features';
import { describeOutOfRange, type ResolvedRange } from '@airfill/schema';
import type { SeriesFlag } from '../flags';

/**
 * Out of the parameter's physical range: `invalid`. No sensor can measure a
 * negative concentration or 3,000 µg/m³ of PM 2.5; such a value is an
 * electrical or software fault, never the air. The range is the loader's
 * (`makeRangeLookup` of the plausibility configuration), and so is the
 * detail's wording: a value flagged at the door and by the checks is one
 * `range` flag.
 */
export function checkRange(series: Series, resolved: ResolvedRange, parameter: string): SeriesFlag[] {
  const { min, max } = resolved.range;
  const flags: SeriesFlag[] = [];
  series.values.forEach((value, index) => {
    if (value >= min && value <= max) return;
    flags.push({ index, severity: 'invalid', detail: describeOutOfRange(value, parameter, resolved) });
  });
  return flags;
}
