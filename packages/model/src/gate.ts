import type { Evaluation, HoldoutScores } from './evaluate';
import { GAP_STRATA, NEIGHBOUR_STRATA } from './strata';

/** Whether a candidate becomes the current model, and why. */
export interface GateDecision {
  promote: boolean;
  forced: boolean;
  reason: string;
  /** The strata where the candidate was worse than what it was compared with (empty when none). */
  worseStrata: string[];
}

/** How strict the gate is. */
export interface GateOptions {
  force?: boolean;
  /** A stratum counts only with at least this many values. @default 100 */
  minStratumCount?: number;
  /** A stratum's MAE may be this much worse (relative) before it counts, or two standard errors of the paired difference if larger. @default 0.02 */
  tolerance?: number;
  /**
   * The current model saw data up to this instant (epoch ms): it is compared
   * only on held-out values after it, as it trained on the ones before.
   */
  currentSeenThrough?: number;
}

/** The rows to compare on, and what the candidate is compared with on them. */
interface Reference {
  name: string;
  rows: number[];
  overall: (scores: HoldoutScores, rows: readonly number[]) => number;
  strata: Float64Array;
}

function mae(predicted: Float64Array, truth: Float64Array, rows: readonly number[]): number {
  let sum = 0;
  for (const row of rows) sum += Math.abs((predicted[row] as number) - (truth[row] as number));
  return sum / rows.length;
}

/** Mean and standard error of the paired difference |candidate error| - |reference error|. */
function pairedDifference(candidate: HoldoutScores, reference: Float64Array, rows: readonly number[]): { mean: number; se: number } {
  const differences = rows.map((row) => {
    const truth = candidate.truth[row] as number;
    return Math.abs((candidate.predicted[row] as number) - truth) - Math.abs((reference[row] as number) - truth);
  });
  const mean = differences.reduce((sum, value) => sum + value, 0) / differences.length;
  const variance = differences.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, differences.length - 1);
  return { mean, se: Math.sqrt(variance / differences.length) };
}

function reference(candidate: Evaluation, current: Evaluation | null, seenThrough: number | undefined, minimum: number): { reference: Reference; note: string } {
  const all = Array.from(candidate.scores.truth.keys());
  const best = (scores: HoldoutScores, rows: readonly number[]) =>
    Math.min(mae(scores.linear, scores.truth, rows), mae(scores.locf, scores.truth, rows), mae(scores.stationMean, scores.truth, rows));
  const baselines: Reference = { name: 'the best baseline', rows: all, overall: best, strata: candidate.scores.linear };
  if (!current) return { reference: baselines, note: '' };
  const unseen = seenThrough === undefined ? all : all.filter((row) => (candidate.scores.ts[row] as number) > seenThrough);
  const name = `current model ${current.table.model.version}`;
  if (unseen.length < minimum) {
    return { reference: baselines, note: `; ${name} trained on ${all.length - unseen.length} of the ${all.length} held-out values, so it is not compared` };
  }
  const currentScores = current.scores;
  const restricted = unseen.length < all.length ? ` on the ${unseen.length} held-out values after its training data` : '';
  return {
    reference: { name: `${name}${restricted}`, rows: unseen, overall: (_, rows) => mae(currentScores.predicted, currentScores.truth, rows), strata: currentScores.predicted },
    note: '',
  };
}

/**
 * The evaluation gate, on one holdout: a candidate becomes current only if
 * its MAE is below the current model's (with no current model, below every
 * baseline's) **and** it is not worse in any stratum (gap length, neighbours
 * observed) with enough values than the current model (with none, than
 * linear interpolation): a model that gains overall while losing on long
 * gaps is refused, and the decision names the strata. `force` promotes
 * anyway and says so.
 */
export function decidePromotion(candidate: Evaluation, current: Evaluation | null, options: GateOptions = {}): GateDecision {
  const minimum = options.minStratumCount ?? 100;
  const tolerance = options.tolerance ?? 0.02;
  const { reference: against, note } = reference(candidate, current, options.currentSeenThrough, minimum);
  const { scores } = candidate;
  const candidateMae = mae(scores.predicted, scores.truth, against.rows);
  const referenceMae = against.overall(scores, against.rows);
  const beats = candidateMae < referenceMae;
  const strataName = against.strata === scores.linear ? 'linear interpolation' : 'it';
  const worse: string[] = [];
  const groups = [
    ...GAP_STRATA.map((gap) => ({ name: `gap ${gap}`, rows: against.rows.filter((row) => scores.strata[row]?.gap === gap) })),
    ...NEIGHBOUR_STRATA.map((neighbours) => ({
      name: neighbours === 'none' ? 'no other sensor observed' : 'other sensors observed',
      rows: against.rows.filter((row) => scores.strata[row]?.neighbours === neighbours),
    })),
  ];
  for (const group of groups) {
    if (group.rows.length < minimum) continue;
    const referenceStratum = mae(against.strata, scores.truth, group.rows);
    const { mean, se } = pairedDifference(scores, against.strata, group.rows);
    if (mean > Math.max(tolerance * referenceStratum, 2 * se)) {
      worse.push(`${group.name} (MAE ${(referenceStratum + mean).toFixed(2)} vs ${referenceStratum.toFixed(2)}, ${((100 * mean) / referenceStratum).toFixed(0)}% worse)`);
    }
  }
  const overall = `candidate MAE ${candidateMae.toFixed(3)} ${beats ? 'beats' : 'does not beat'} ${against.name} (MAE ${referenceMae.toFixed(3)}) on the same holdout`;
  const strata = worse.length === 0 ? `, and is not worse than ${strataName} in any stratum` : `, but is worse than ${strataName} on ${worse.join(', ')}`;
  const verdict = `${overall}${strata}${note}`;
  const passes = beats && worse.length === 0;
  if (passes) return { promote: true, forced: false, reason: verdict, worseStrata: [] };
  if (options.force) return { promote: true, forced: true, reason: `${verdict}; promoted anyway (--force)`, worseStrata: worse };
  return { promote: false, forced: false, reason: verdict, worseStrata: worse };
}
