import { buildFeatureMatrixFromContext, indexObservations, prepareFeatureContext, toPrediction, type SensorSite } from '@airfill/features';
import type { LoadedModel } from './artifact';
import { baselinePredictions } from './baselines';
import { calibrationKeysOf, intervalFor, type CalibrationKey, type CalibrationTable } from './calibration';
import type { Holdout } from './holdout';
import { computeIntervalMetrics, type IntervalMetrics } from './interval-metrics';
import { computeMetrics, type Metrics } from './metrics';
import { GAP_STRATA, NEIGHBOUR_STRATA, stratifyTargets, type GapStratum, type NeighbourStratum, type TargetStratum } from './strata';

/** Every holdout value with the model's and the baselines' predictions, its stratum and its calibration key. */
export interface HoldoutScores {
  /** When each value was (epoch ms). */
  ts: Float64Array;
  truth: Float64Array;
  predicted: Float64Array;
  linear: Float64Array;
  locf: Float64Array;
  stationMean: Float64Array;
  strata: TargetStratum[];
  keys: CalibrationKey[];
}

/** Final predictions of a model for every target of every draw of a holdout, with the baselines on the same values. */
export function scoreOnHoldout(model: Pick<LoadedModel, 'predict' | 'contract'>, sites: SensorSite[], holdout: Holdout): HoldoutScores {
  const parts = holdout.draws.map((draw) => {
    const context = prepareFeatureContext({ sites, observations: draw.context }, model.contract.parameter);
    const matrix = buildFeatureMatrixFromContext(context, draw.targets, model.contract);
    const raw = model.predict(matrix);
    const predicted = Float64Array.from(raw, (value, row) => toPrediction(matrix, row, value));
    const baselines = baselinePredictions(draw.context, holdout.parameter, draw.targets);
    const strata = stratifyTargets(indexObservations(draw.context), holdout.parameter, draw.targets, holdout.stepMs);
    const ts = Float64Array.from(draw.targets, (target) => target.ts);
    return { ts, truth: draw.truth, predicted, baselines, strata, keys: calibrationKeysOf(matrix, holdout.stepMs) };
  });
  const join = (pick: (part: (typeof parts)[number]) => Float64Array) => {
    const out = new Float64Array(parts.reduce((sum, part) => sum + pick(part).length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(pick(part), at);
      at += pick(part).length;
    }
    return out;
  };
  return {
    ts: join((part) => part.ts),
    truth: join((part) => part.truth),
    predicted: join((part) => part.predicted),
    linear: join((part) => part.baselines.linear),
    locf: join((part) => part.baselines.locf),
    stationMean: join((part) => part.baselines.stationMean),
    strata: parts.flatMap((part) => part.strata),
    keys: parts.flatMap((part) => part.keys),
  };
}

/** Every method's accuracy on one group of holdout values, and the model's intervals there. */
export interface StratumMetrics {
  count: number;
  model: Metrics;
  linear: Metrics;
  locf: Metrics;
  stationMean: Metrics;
  interval?: IntervalMetrics;
}

/** The metrics table: a model against the three baselines on one holdout, overall and by stratum. */
export interface EvaluationTable {
  parameter: string;
  holdout: { from: string; to: string; count: number; fraction: number; share: number; seed: number; repeats: number; masks: Holdout['masks'] };
  model: Metrics & { version: string };
  baselines: { stationMean: Metrics; locf: Metrics; linear: Metrics };
  /** By the length of the gap a value sits in, and by whether any other sensor was observed at its time. */
  strata: { gap: Partial<Record<GapStratum, StratumMetrics>>; neighbours: Partial<Record<NeighbourStratum, StratumMetrics>> };
  /** The model's calibrated intervals on the holdout (which the calibration never saw), when it has a calibration. */
  intervals: { level: number; overall: IntervalMetrics } | null;
}

/** A model scored on a holdout: the table, and the per-value scores the gate compares. */
export interface Evaluation {
  table: EvaluationTable;
  scores: HoldoutScores;
}

function pick(values: Float64Array, rows: readonly number[]): Float64Array {
  return Float64Array.from(rows, (row) => values[row] as number);
}

function stratumMetrics(scores: HoldoutScores, rows: readonly number[], intervals: { lower: Float64Array; upper: Float64Array; level: number } | null): StratumMetrics {
  const truth = pick(scores.truth, rows);
  return {
    count: rows.length,
    model: computeMetrics(truth, pick(scores.predicted, rows)),
    linear: computeMetrics(truth, pick(scores.linear, rows)),
    locf: computeMetrics(truth, pick(scores.locf, rows)),
    stationMean: computeMetrics(truth, pick(scores.stationMean, rows)),
    ...(intervals ? { interval: computeIntervalMetrics(truth, pick(intervals.lower, rows), pick(intervals.upper, rows), intervals.level) } : {}),
  };
}

/** Summarises scores into the evaluation table (intervals from `calibration` when given). */
export function summariseScores(scores: HoldoutScores, version: string, holdout: Holdout, calibration: CalibrationTable | null): EvaluationTable {
  const all = Array.from(scores.truth.keys());
  let intervals: { lower: Float64Array; upper: Float64Array; level: number } | null = null;
  if (calibration) {
    const lower = new Float64Array(all.length);
    const upper = new Float64Array(all.length);
    for (const row of all) {
      const interval = intervalFor(calibration, scores.keys[row] as CalibrationKey, scores.predicted[row] as number);
      lower[row] = interval.lower;
      upper[row] = interval.upper;
    }
    intervals = { lower, upper, level: calibration.level };
  }
  const overall = stratumMetrics(scores, all, intervals);
  const gap: EvaluationTable['strata']['gap'] = {};
  for (const stratum of GAP_STRATA) {
    const rows = all.filter((row) => scores.strata[row]?.gap === stratum);
    if (rows.length > 0) gap[stratum] = stratumMetrics(scores, rows, intervals);
  }
  const neighbours: EvaluationTable['strata']['neighbours'] = {};
  for (const stratum of NEIGHBOUR_STRATA) {
    const rows = all.filter((row) => scores.strata[row]?.neighbours === stratum);
    if (rows.length > 0) neighbours[stratum] = stratumMetrics(scores, rows, intervals);
  }
  return {
    parameter: holdout.parameter,
    holdout: {
      from: new Date(holdout.from).toISOString(),
      to: new Date(holdout.to).toISOString(),
      count: all.length,
      ...holdout.options,
      masks: holdout.masks,
    },
    model: { version, ...overall.model },
    baselines: { stationMean: overall.stationMean, locf: overall.locf, linear: overall.linear },
    strata: { gap, neighbours },
    intervals: intervals && overall.interval ? { level: intervals.level, overall: overall.interval } : null,
  };
}

/** Scores a model and the baselines on the same masked holdout, overall and by stratum. */
export function evaluateOnHoldout(
  model: Pick<LoadedModel, 'predict' | 'contract' | 'version'> & { calibration?: CalibrationTable | null },
  sites: SensorSite[],
  holdout: Holdout,
): Evaluation {
  const scores = scoreOnHoldout(model, sites, holdout);
  return { table: summariseScores(scores, model.version, holdout, model.calibration ?? null), scores };
}
