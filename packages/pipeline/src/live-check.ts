import type { LiveCheck, TransformManifest } from '@airfill/schema';

/** A hidden value the model predicted: its prediction, interval, and what was observed. */
export interface LivePoint {
  ts: string;
  value: number;
  lower: number | null;
  upper: number | null;
  truth: number;
  linear: number;
}

/** Below this many points a run's ratio is not computed: a handful of values says little. */
export const MIN_LIVE_POINTS = 20;

/**
 * The expected MAE never drops below this share of the holdout MAE: on very
 * smooth data interpolation is near perfect and no model beats it by its
 * holdout margin, which is not drift.
 */
export const MIN_DIFFICULTY = 0.5;

const mean = (values: readonly number[]) => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : null);

/**
 * Scores the live check of one run. The expected MAE is the model's holdout
 * MAE scaled by how much harder the run's hidden values were than the
 * holdout's for linear interpolation (live linear MAE / holdout linear MAE):
 * on a smoggy week every method errs more, and the model is not to blame.
 * (never below {@link MIN_DIFFICULTY} of it). Without the holdout's linear
 * MAE the expected MAE is the holdout MAE.
 */
export function scoreLiveCheck(
  { points, refused, nominalCoverage }: { points: readonly LivePoint[]; refused: number; nominalCoverage: number | null },
  holdout: TransformManifest['holdout'],
): LiveCheck {
  const mae = mean(points.map((point) => Math.abs(point.value - point.truth)));
  const linearMae = mean(points.map((point) => Math.abs(point.linear - point.truth)));
  const withInterval = points.filter((point) => point.lower !== null && point.upper !== null);
  const coverage = withInterval.length ? withInterval.filter((point) => point.truth >= point.lower! && point.truth <= point.upper!).length / withInterval.length : null;
  const through = holdout?.through ? Date.parse(holdout.through) : null;
  let expectedMae: number | null = null;
  if (holdout && linearMae !== null) {
    const difficulty = holdout.linearMae && holdout.linearMae > 0 ? Math.max(MIN_DIFFICULTY, linearMae / holdout.linearMae) : 1;
    expectedMae = holdout.mae * difficulty;
  }
  const ratio = mae !== null && expectedMae !== null && expectedMae > 0 && points.length >= MIN_LIVE_POINTS ? mae / expectedMae : null;
  return {
    points: points.length,
    refused,
    inSample: through === null ? 0 : points.filter((point) => Date.parse(point.ts) < through).length,
    mae,
    linearMae,
    coverage,
    nominalCoverage: withInterval.length ? nominalCoverage : null,
    holdoutMae: holdout?.mae ?? null,
    expectedMae,
    ratio,
  };
}

/**
 * The hidden values to score: those after the end of the model's training
 * data when there are enough of them ({@link MIN_LIVE_POINTS}), since a
 * model predicting values it was trained on looks better than it is; else
 * all of them (and `inSample` says how many were seen in training).
 */
export function outOfSampleFirst<T extends { ts: string }>(probes: readonly T[], through: string | null | undefined): T[] {
  if (!through) return [...probes];
  const end = Date.parse(through);
  const fresh = probes.filter((probe) => Date.parse(probe.ts) >= end);
  return fresh.length >= MIN_LIVE_POINTS ? fresh : [...probes];
}

/** When the live check raises the drift signal. */
export interface DriftRule {
  /** Live MAE above this many times the expected MAE counts as a bad run. @default 1.5 */
  factor: number;
  /** This many bad runs in a row, of the same model, raise the signal. @default 3 */
  runs: number;
}

export const DEFAULT_DRIFT_RULE: DriftRule = { factor: 1.5, runs: 3 };

/**
 * Whether the serving model drifted: its last `rule.runs` checks (newest
 * first, of the model now serving; a check with no ratio breaks the run of
 * bad ones) each scored live MAE at least `rule.factor` times the expected.
 */
export function driftRaised(recentRatios: readonly (number | null)[], rule: DriftRule): boolean {
  if (recentRatios.length < rule.runs) return false;
  return recentRatios.slice(0, rule.runs).every((ratio) => ratio !== null && ratio >= rule.factor);
}
