import type { FeatureTarget, Observation } from '@airfill/features';
import type { Dataset } from './dataset';
import { drawMask, planMasks, type MaskPlan } from './mask-plan';

/** How the evaluation holdout is drawn; the same options on the same data give the same holdout. */
export interface HoldoutOptions {
  /** Share of the time span, at the end, held out. @default 0.2 */
  fraction?: number;
  /** Share of the held-out observed values each mask hides. @default 0.15 */
  share?: number;
  /** @default 7 */
  seed?: number;
  /** Independent masks scored together (more values per stratum, less luck of one draw). @default 3 */
  repeats?: number;
}

/** One masked copy of the data: what a method sees, what it must predict, and the hidden truth. */
export interface HoldoutDraw {
  /** Everything observed except the masked values (all parameters, all sensors, all time). */
  context: Observation[];
  targets: FeatureTarget[];
  truth: Float64Array;
}

/** The masked holdout: the last stretch of time, masked `repeats` times in realistic outage shapes. */
export interface Holdout {
  parameter: string;
  from: number;
  to: number;
  stepMs: number;
  /** Whether the masks copy the data's own outages or synthetic shapes. */
  masks: MaskPlan['kind'];
  draws: HoldoutDraw[];
  options: Required<HoldoutOptions>;
}

/** Time range of the parameter's observations [first, last]. */
export function timeSpan(observations: readonly Observation[], parameter: string): { first: number; last: number } {
  let first = Infinity;
  let last = -Infinity;
  for (const observation of observations) {
    if (observation.parameter !== parameter || observation.value === null) continue;
    if (observation.ts < first) first = observation.ts;
    if (observation.ts > last) last = observation.ts;
  }
  return { first, last };
}

/** Hides the masked observations: the context a method sees, and the parameter's hidden values with their truth. */
export function applyMask(observations: readonly Observation[], masked: Uint8Array, parameter: string): HoldoutDraw {
  const context: Observation[] = [];
  const targets: FeatureTarget[] = [];
  const truth: number[] = [];
  observations.forEach((observation, at) => {
    if (masked[at] !== 1) {
      context.push(observation);
      return;
    }
    if (observation.parameter === parameter && observation.value !== null) {
      targets.push({ deviceId: observation.deviceId, ts: observation.ts });
      truth.push(observation.value);
    }
  });
  return { context, targets, truth: Float64Array.from(truth) };
}

/** The holdout's time range: the most recent `fraction` of the parameter's time span, on its time grid. */
export function holdoutRange(dataset: Dataset, parameter: string, stepMs: number, fraction: number): { from: number; to: number } {
  const { first, last } = timeSpan(dataset.observations, parameter);
  const to = last + stepMs;
  return { from: to - Math.round(((to - first) * fraction) / stepMs) * stepMs, to };
}

/**
 * Holds out the most recent `fraction` of the time span and masks `share` of
 * its observed values, `repeats` times, in the data's own outage shapes (or
 * synthetic ones when it has too few real gaps; see `planMasks`). Training
 * uses only data before `from`.
 */
export function drawHoldout(dataset: Dataset, parameter: string, options: HoldoutOptions = {}, plan: MaskPlan = planMasks(dataset.observations, parameter)): Holdout {
  const resolved: Required<HoldoutOptions> = {
    fraction: options.fraction ?? 0.2,
    share: options.share ?? 0.15,
    seed: options.seed ?? 7,
    repeats: options.repeats ?? 3,
  };
  const { from, to } = holdoutRange(dataset, parameter, plan.stepMs, resolved.fraction);
  const draws = Array.from({ length: resolved.repeats }, (_, repeat) => {
    const masked = drawMask(dataset.observations, plan, { parameter, share: resolved.share, seed: resolved.seed + repeat * 104_729, from, to });
    return applyMask(dataset.observations, masked, parameter);
  });
  return { parameter, from, to, stepMs: plan.stepMs, masks: plan.kind, draws, options: resolved };
}
