import type { EvaluationTable } from './evaluate';

/** Whether a candidate becomes the current model, and why. */
export interface GateDecision {
  promote: boolean;
  forced: boolean;
  reason: string;
}

/**
 * The evaluation gate: a candidate becomes current only if its MAE on the
 * holdout is below the current model's on the same holdout; with no current
 * model, only if it beats every baseline. `force` promotes anyway and says so.
 */
export function decidePromotion(candidate: EvaluationTable, current: EvaluationTable | null, force = false): GateDecision {
  const mae = candidate.model.mae;
  const bestBaseline = Math.min(candidate.baselines.linear.mae, candidate.baselines.locf.mae, candidate.baselines.stationMean.mae);
  const beats = current ? mae < current.model.mae : mae < bestBaseline;
  const against = current ? `current model ${current.model.version} (MAE ${current.model.mae.toFixed(3)})` : `the best baseline (MAE ${bestBaseline.toFixed(3)})`;
  const verdict = `candidate MAE ${mae.toFixed(3)} ${beats ? 'beats' : 'does not beat'} ${against} on the same holdout`;
  if (beats) return { promote: true, forced: false, reason: verdict };
  if (force) return { promote: true, forced: true, reason: `${verdict}; promoted anyway (--force)` };
  return { promote: false, forced: false, reason: verdict };
}
