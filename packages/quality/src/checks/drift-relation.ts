import { lowerBound, type Series } from '@airfill/features';
import type { ParameterSettings } from '../parameters';
import { consensusAt, DAY_MS, HOUR_MS, medianInPlace } from '../series-stats';

/** Drift is judged in blocks of this length (the flags cover whole blocks). */
export const BLOCK_MS = 6 * HOUR_MS;
export const BLOCKS_PER_DAY = DAY_MS / BLOCK_MS;

/**
 * Per reading, how the sensor relates to its neighbours' median c at that
 * time: log((v + s) / (c + s)) for concentrations (s = `smoothingScales`
 * scales, so clean air near zero is not a ratio of tiny numbers), (v - c) /
 * scale for levels; NaN with fewer than `minNeighbours` neighbours reporting.
 */
export function relationToNeighbours(
  series: Series,
  neighbours: readonly Series[],
  parameter: ParameterSettings,
  cadenceMs: number,
  settings: { minNeighbours: number; smoothingScales: number },
): Float64Array {
  const { kind } = parameter;
  const scale = parameter.scale * (kind === 'concentration' ? settings.smoothingScales : 1);
  const { minNeighbours } = settings;
  const scratch = new Float64Array(neighbours.length);
  const relation = new Float64Array(series.ts.length);
  series.ts.forEach((t, i) => {
    const consensus = consensusAt(neighbours, t, cadenceMs / 2, scratch);
    const value = series.values[i] as number;
    if (consensus.count < minNeighbours) relation[i] = NaN;
    else if (kind === 'concentration') relation[i] = Math.log((Math.max(value, 0) + scale) / (Math.max(consensus.value, 0) + scale));
    else relation[i] = (value - consensus.value) / scale;
  });
  return relation;
}

/**
 * Per block of `blockMs` (numbered from the epoch, from `firstBlock`), the
 * median relation over a window centred on it; NaN where the window has
 * fewer than `needed` comparisons (or none).
 */
export function windowMedians(
  ts: Float64Array,
  relation: Float64Array,
  grid: { firstBlock: number; blocks: number; blockMs: number },
  windowMs: number,
  needed: number,
): Float64Array {
  const result = new Float64Array(grid.blocks).fill(NaN);
  const scratch = new Float64Array(ts.length);
  for (let block = 0; block < grid.blocks; block += 1) {
    const centre = (grid.firstBlock + block) * grid.blockMs + grid.blockMs / 2;
    let count = 0;
    for (let i = lowerBound(ts, centre - windowMs / 2); i < ts.length && (ts[i] as number) < centre + windowMs / 2; i += 1) {
      if (!Number.isNaN(relation[i] as number)) scratch[count++] = relation[i] as number;
    }
    if (count > 0 && count >= needed) result[block] = medianInPlace(scratch, count);
  }
  return result;
}

/**
 * Per day, the sensor's usual relation: the median of the daily relations
 * over `baselineDays` centred on it, leaving out the days in `excluded` (a
 * drift found on a first pass must not become its own reference). Days
 * weigh the same however many readings they have.
 */
export function usualByDay(daily: Float64Array, baselineDays: number, excluded: Uint8Array): Float64Array {
  const days = daily.length;
  const usual = new Float64Array(days);
  const scratch = new Float64Array(days);
  const half = Math.floor(baselineDays / 2);
  for (let day = 0; day < days; day += 1) {
    let count = 0;
    for (let other = Math.max(0, day - half); other < Math.min(days, day + half + 1); other += 1) {
      if (excluded[other] === 0 && !Number.isNaN(daily[other] as number)) scratch[count++] = daily[other] as number;
    }
    usual[day] = medianInPlace(scratch, count);
  }
  return usual;
}
