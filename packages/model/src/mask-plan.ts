import type { Observation } from '@airfill/features';
import { drawOutageMask, typicalStepMs } from './masks';
import { extractOutagePattern, MIN_REAL_GAPS, transplantOutageMask, type OutagePattern } from './outage-pattern';

/**
 * Where a data set's training and evaluation masks come from: its own real
 * outages when it has enough of them (their lengths, whole-device and
 * network-wide shares and times of day are copied as they are), otherwise
 * synthetic outage shapes.
 */
export type MaskPlan =
  | { kind: 'real'; stepMs: number; pattern: OutagePattern; gaps: number; missingShare: number }
  | { kind: 'synthetic'; stepMs: number; gaps: number; missingShare: number };

/** Reads the data's outage pattern and decides how masks are drawn for `parameter`. */
export function planMasks(observations: readonly Observation[], parameter: string): MaskPlan {
  const stepMs = typicalStepMs(observations, parameter);
  const pattern = extractOutagePattern(observations, parameter, stepMs);
  const { gaps, missingShare } = pattern;
  return gaps >= MIN_REAL_GAPS ? { kind: 'real', stepMs, pattern, gaps, missingShare } : { kind: 'synthetic', stepMs, gaps, missingShare };
}

/** What a plan means, for people ("copied from the data's 917 real gaps"). */
export function describeMaskPlan(plan: MaskPlan): string {
  return plan.kind === 'real'
    ? `outage shapes copied from the data's ${plan.gaps} real gaps (${(plan.missingShare * 100).toFixed(1)}% missing)`
    : `synthetic outage shapes (the data has only ${plan.gaps} real gaps, fewer than ${MIN_REAL_GAPS})`;
}

/**
 * One mask over `observations` by the plan: 1 where an observed value is
 * hidden. Deterministic per seed. Copies keep the real outages' times of day,
 * so outages that always strike at the same hours can leave the share out of
 * reach; synthetic shapes then hide the rest.
 */
export function drawMask(
  observations: readonly Observation[],
  plan: MaskPlan,
  options: { parameter: string; share: number; seed: number; from: number; to: number },
): Uint8Array {
  const synthetic = (share: number) => drawOutageMask(observations, { ...options, share, stepMs: plan.stepMs });
  if (plan.kind === 'synthetic') return synthetic(options.share);
  const masked = transplantOutageMask(observations, reindex(plan.pattern, observations), options);
  const { eligible, hidden } = countHidden(observations, masked, options);
  if (eligible === 0 || hidden >= 0.95 * options.share * eligible) return masked;
  const topUp = synthetic(options.share - hidden / eligible);
  for (let at = 0; at < masked.length; at += 1) masked[at] = (masked[at] as number) | (topUp[at] as number);
  return masked;
}

function countHidden(observations: readonly Observation[], masked: Uint8Array, options: { parameter: string; from: number; to: number }) {
  let eligible = 0;
  let hidden = 0;
  observations.forEach((observation, at) => {
    if (observation.parameter !== options.parameter || observation.value === null || observation.ts < options.from || observation.ts >= options.to) return;
    eligible += 1;
    hidden += masked[at] as number;
  });
  return { eligible, hidden };
}

/**
 * The pattern's missing bits with positions looked up in `observations`
 * (the pattern may have been read from a larger or differently ordered set,
 * e.g. the whole data set while masking only the part before a holdout).
 */
function reindex(pattern: OutagePattern, observations: readonly Observation[]): OutagePattern {
  if (pattern.source === observations) return pattern;
  const devices = new Map(pattern.devices.map((device, at) => [device, at]));
  const parameters = new Map(pattern.parameters.map((parameter, at) => [parameter, at]));
  const positions = pattern.parameters.map(() => new Int32Array(pattern.devices.length * pattern.steps).fill(-1));
  observations.forEach((observation, at) => {
    const p = parameters.get(observation.parameter);
    const d = devices.get(observation.deviceId);
    const step = Math.round((observation.ts - pattern.start) / pattern.stepMs);
    if (p === undefined || d === undefined || step < 0 || step >= pattern.steps) return;
    (positions[p] as Int32Array)[d * pattern.steps + step] = at;
  });
  return { ...pattern, positions, source: observations };
}
