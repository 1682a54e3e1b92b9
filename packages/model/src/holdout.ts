import type { FeatureTarget, Observation } from '@airfill/features';
import { drawOutageMask, typicalStepMs } from './masks';
import type { Dataset } from './dataset';

/** How the evaluation holdout is drawn; the same options on the same data give the same holdout. */
export interface HoldoutOptions {
  /** Share of the time span, at the end, held out. @default 0.2 */
  fraction?: number;
  /** Share of the held-out observed values masked and scored. @default 0.1 */
  share?: number;
  /** @default 7 */
  seed?: number;
}

/** Masked holdout: the context a model sees, the targets and their hidden truth. */
export interface Holdout {
  parameter: string;
  from: number;
  to: number;
  /** Everything observed except the masked values (all parameters, all sensors, all time). */
  context: Observation[];
  targets: FeatureTarget[];
  truth: Float64Array;
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

/**
 * Holds out the most recent `fraction` of the time span and masks `share` of
 * its observed values in realistic outage shapes. Training uses only data
 * before `from`.
 */
export function drawHoldout(dataset: Dataset, parameter: string, options: HoldoutOptions = {}): Holdout {
  const resolved = { fraction: options.fraction ?? 0.2, share: options.share ?? 0.1, seed: options.seed ?? 7 };
  const { first, last } = timeSpan(dataset.observations, parameter);
  const stepMs = typicalStepMs(dataset.observations, parameter);
  const from = last + stepMs - Math.round(((last + stepMs - first) * resolved.fraction) / stepMs) * stepMs;
  const to = last + stepMs;
  const masked = drawOutageMask(dataset.observations, { parameter, share: resolved.share, seed: resolved.seed, from, to, stepMs });
  const context: Observation[] = [];
  const targets: FeatureTarget[] = [];
  const truth: number[] = [];
  dataset.observations.forEach((observation, at) => {
    if (masked[at] !== 1) {
      context.push(observation);
      return;
    }
    if (observation.parameter === parameter && observation.value !== null) {
      targets.push({ deviceId: observation.deviceId, ts: observation.ts });
      truth.push(observation.value);
    }
  });
  return { parameter, from, to, context, targets, truth: Float64Array.from(truth), options: resolved };
}
