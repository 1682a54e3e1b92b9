import { lowerBound, upperBound, type FeatureTarget, type SeriesIndex } from '@airfill/features';

/** Gap-length strata, in steps of the series (hours for hourly data). */
export const GAP_STRATA = ['1', '2-3', '4-8', '9-24', '25+'] as const;
export type GapStratum = (typeof GAP_STRATA)[number];

/** Whether any other sensor observed the parameter at the target's time. */
export const NEIGHBOUR_STRATA = ['none', 'some'] as const;
export type NeighbourStratum = (typeof NEIGHBOUR_STRATA)[number];

/** What drives the difficulty of one missing value. */
export interface TargetStratum {
  /** Length of the run of missing steps the target sits in; Infinity when the series has no observation on one side. */
  gapSteps: number;
  gap: GapStratum;
  /** Other sensors with the parameter observed at the target's time (within half a step). */
  neighboursObserved: number;
  neighbours: NeighbourStratum;
}

/** The gap stratum of a run of `steps` missing steps. */
export function gapStratumOf(steps: number): GapStratum {
  if (steps <= 1) return '1';
  if (steps <= 3) return '2-3';
  if (steps <= 8) return '4-8';
  if (steps <= 24) return '9-24';
  return '25+';
}

/**
 * The stratum of every target, from the observations a method sees (`index`:
 * the context, with the targets absent). Gap length counts the missing steps
 * between the target's last and next observed value; neighbours count the
 * other sensors observed at its time.
 */
export function stratifyTargets(index: SeriesIndex, parameter: string, targets: readonly FeatureTarget[], stepMs: number): TargetStratum[] {
  const half = stepMs / 2;
  const others = [...index.entries()].flatMap(([deviceId, byParameter]) => {
    const series = byParameter.get(parameter);
    return series ? [{ deviceId, series }] : [];
  });
  return targets.map((target) => {
    const series = index.get(target.deviceId)?.get(parameter);
    let gapSteps = Infinity;
    if (series) {
      const before = lowerBound(series.ts, target.ts) - 1;
      const after = upperBound(series.ts, target.ts);
      if (before >= 0 && after < series.ts.length) {
        gapSteps = Math.max(1, Math.round(((series.ts[after] as number) - (series.ts[before] as number)) / stepMs) - 1);
      }
    }
    let neighboursObserved = 0;
    for (const other of others) {
      if (other.deviceId === target.deviceId) continue;
      const at = lowerBound(other.series.ts, target.ts - half);
      if (at < other.series.ts.length && (other.series.ts[at] as number) <= target.ts + half) neighboursObserved += 1;
    }
    return { gapSteps, gap: gapStratumOf(gapSteps), neighboursObserved, neighbours: neighboursObserved > 0 ? 'some' : 'none' };
  });
}
