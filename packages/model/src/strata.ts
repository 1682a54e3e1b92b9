import { alignToleranceOf, FEATURE_SETTINGS, lowerBound, upperBound, type FeatureTarget, type SeriesIndex } from '@airfill/features';

const HOUR_MS = 3_600_000;

/**
 * Gap-length strata, in hours of missing readings (wall-clock, so a stratum
 * means the same at any cadence): up to 1 h, over 1 up to 3 h, ... For hourly
 * data an hour is a step, as the labels were first written.
 */
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
  /** Other sensors with the parameter observed at the target's time (within half their own step, as the features align them). */
  neighboursObserved: number;
  neighbours: NeighbourStratum;
}

/** The gap stratum of a run of `steps` missing steps of `stepMs` each (by the hours they span). */
export function gapStratumOf(steps: number, stepMs: number): GapStratum {
  const hours = (steps * stepMs) / HOUR_MS;
  if (hours <= 1) return '1';
  if (hours <= 3) return '2-3';
  if (hours <= 8) return '4-8';
  if (hours <= 24) return '9-24';
  return '25+';
}

/**
 * The stratum of every target, from the observations a method sees (`index`:
 * the context, with the targets absent). Gap length counts the missing steps
 * between the target's last and next observed value; neighbours count the
 * other sensors observed at its time.
 */
export function stratifyTargets(index: SeriesIndex, parameter: string, targets: readonly FeatureTarget[], stepMs: number): TargetStratum[] {
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
      const half = alignToleranceOf(other.series.stepMs, FEATURE_SETTINGS.alignToleranceMs);
      const at = lowerBound(other.series.ts, target.ts - half);
      if (at < other.series.ts.length && (other.series.ts[at] as number) <= target.ts + half) neighboursObserved += 1;
    }
    return { gapSteps, gap: gapStratumOf(gapSteps, stepMs), neighboursObserved, neighbours: neighboursObserved > 0 ? 'some' : 'none' };
  });
}
