import type { Series } from '@airfill/features';
import type { StuckSettings } from '../config';
import type { FlagSeverity, SeriesFlag } from '../flags';
import type { ParameterSettings } from '../parameters';
import { consensusAt, formatNumber, HOUR_MS, medianInPlace, sameValue } from '../series-stats';

/** What the stuck check knows about the series besides its readings. */
export interface StuckScope {
  parameter: ParameterSettings;
  /** The series' usual step between readings. */
  cadenceMs: number;
  /** Readings further apart are not one run. */
  maxGapMs: number;
}

/**
 * Stuck: one value repeated for `minHours` (and `minReadings`) while the
 * neighbours' consensus moved, or stayed far from it: `invalid`. A frozen output repeats the last
 * value the sensor measured, so the first reading of the run is kept and the
 * repeats are flagged; they say nothing about the air and are better filled.
 *
 * Left alone: runs while the neighbours are flat too and near (calm air,
 * values at a coarse resolution), and runs at the sensor's own floor (its lowest value,
 * clean air at its detection limit) unless the neighbours sit clearly above
 * it. Without neighbours, only a run of `withoutNeighboursHours` is flagged,
 * and only `suspect`: nothing says the air moved.
 */
export function checkStuck(series: Series, neighbours: readonly Series[], scope: StuckScope, settings: StuckSettings): SeriesFlag[] {
  const { ts, values } = series;
  const flags: SeriesFlag[] = [];
  if (values.length < settings.minReadings) return flags;
  let floor = Infinity;
  for (const value of values) floor = Math.min(floor, value);
  const scratch = new Float64Array(Math.max(1, neighbours.length));
  let start = 0;
  while (start < values.length) {
    let end = start + 1;
    while (end < values.length && sameValue(values[end] as number, values[start] as number) && (ts[end] as number) - (ts[end - 1] as number) <= scope.maxGapMs) end += 1;
    const verdict = judgeRun(series, start, end, floor, neighbours, scope, settings, scratch);
    if (verdict) for (let index = start + 1; index < end; index += 1) flags.push({ index, ...verdict });
    start = end;
  }
  return flags;
}

function judgeRun(
  series: Series,
  start: number,
  end: number,
  floor: number,
  neighbours: readonly Series[],
  scope: StuckScope,
  settings: StuckSettings,
  scratch: Float64Array,
): { severity: FlagSeverity; detail: string } | undefined {
  const count = end - start;
  const hours = ((series.ts[end - 1] as number) - (series.ts[start] as number) + scope.cadenceMs) / HOUR_MS;
  if (count < settings.minReadings || hours < settings.minHours) return undefined;
  const value = series.values[start] as number;
  const atFloor = sameValue(value, floor);
  const repeated = `${formatNumber(value)} repeated ${count} times over ${formatNumber(hours)} h`;

  // The neighbours' consensus at each reading of the run.
  const consensus = new Float64Array(count);
  let known = 0;
  for (let index = start; index < end; index += 1) {
    const at = consensusAt(neighbours, series.ts[index] as number, scope.cadenceMs / 2, scratch);
    if (at.count > 0) consensus[known++] = at.value;
  }
  if (known < count / 2) {
    if (hours < settings.withoutNeighboursHours || atFloor) return undefined;
    return { severity: 'suspect', detail: `${repeated}, with no neighbour to compare` };
  }
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < known; i += 1) {
    low = Math.min(low, consensus[i] as number);
    high = Math.max(high, consensus[i] as number);
  }
  const level = medianInPlace(consensus, known);
  const { scale, kind } = scope.parameter;
  const needed = Math.max(settings.neighbourVariationScales * scale, kind === 'concentration' ? settings.neighbourVariationShare * Math.abs(level) : 0);
  const moved = high - low >= needed;
  const apart =
    kind === 'concentration'
      ? Math.abs(Math.log((Math.max(value, 0) + scale) / (Math.max(level, 0) + scale))) >= Math.log(settings.apartRatio)
      : Math.abs(value - level) >= settings.apartScales * scale;
  if (!moved && !apart) return undefined;
  if (atFloor && level <= value + settings.floorContrastScales * scale) return undefined;
  const comparison = moved
    ? `while the neighbours' median moved between ${formatNumber(low)} and ${formatNumber(high)}`
    : `far from the neighbours' median of ${formatNumber(level)}`;
  return { severity: 'invalid', detail: `${repeated} ${comparison}` };
}
