import { createHash } from 'node:crypto';
import type { LoadedModel, ModelMetricsFile } from './artifact';
import { fitCalibration, type CalibrationKey, type CalibrationPoint, type CalibrationTable } from './calibration';
import type { Dataset } from './dataset';
import { evaluateOnHoldout, type Evaluation } from './evaluate';
import { describeMaskPlan } from './mask-plan';
import type { PreparedTraining } from './training-plan';

/** A candidate scored on its holdout, with the calibration it is served with. */
export interface CandidateAssessment {
  /** The candidate and the baselines on the masked holdout; intervals from the cross-fit calibration alone (which never saw the holdout). */
  evaluation: Evaluation;
  /** The served calibration: refitted on every out-of-sample residual (the cross-fit's and the holdout's). */
  calibration: CalibrationTable;
}

/**
 * Scores a trained candidate honestly and calibrates its intervals: the
 * calibration fitted on the cross-fitted residuals gives the intervals the
 * holdout evaluation reports; the served calibration then uses the holdout's
 * residuals too.
 */
export function assessCandidate(dataset: Dataset, prepared: PreparedTraining, predict: LoadedModel['predict'], crossFit: readonly CalibrationPoint[]): CandidateAssessment {
  const calibrationOptions = { level: prepared.recipe.intervalLevel, stepMs: prepared.plan.stepMs, floor: prepared.recipe.floor };
  const evaluationCalibration = fitCalibration(crossFit, calibrationOptions);
  const evaluation = evaluateOnHoldout({ version: 'candidate', contract: prepared.contract, predict, calibration: evaluationCalibration }, dataset.sites, prepared.holdout);
  const heldOut: CalibrationPoint[] = Array.from(evaluation.scores.truth, (truth, row) => ({
    ...(evaluation.scores.keys[row] as CalibrationKey),
    predicted: evaluation.scores.predicted[row] as number,
    truth,
  }));
  return { evaluation, calibration: fitCalibration([...crossFit, ...heldOut], calibrationOptions) };
}

/** A model's version: parameter, creation time and the hash of its model file (`pm25-20240101-120000-1a2b3c4d`). */
export function modelVersionOf(parameter: string, modelJson: string, at: Date = new Date()): string {
  const hash = createHash('sha256').update(modelJson).digest('hex').slice(0, 8);
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${parameter.toLowerCase().replace(/[^a-z0-9]+/g, '')}-${stamp}-${hash}`;
}

/** What `metrics.json` records besides the evaluation: how the served model was made. */
export interface MetricsProvenance {
  version: string;
  /** Training rows and masks of the candidate. */
  rows: number;
  copies: number;
  /** The served model saw data up to here. */
  through: number;
  refit: boolean;
  seconds: number;
  source?: string;
  command?: string;
}

/** The `metrics.json` of a candidate: its evaluation renamed to its version, and its provenance. */
export function buildModelMetrics(prepared: PreparedTraining, assessment: CandidateAssessment, provenance: MetricsProvenance): { metrics: ModelMetricsFile; evaluation: Evaluation } {
  const { evaluation } = assessment;
  const table = { ...evaluation.table, model: { ...evaluation.table.model, version: provenance.version } };
  const { recipe } = prepared;
  const metrics: ModelMetricsFile = {
    version: provenance.version,
    parameter: prepared.parameter,
    createdAt: new Date().toISOString(),
    holdout: { from: table.holdout.from, to: table.holdout.to, ...prepared.holdout.options, masks: prepared.holdout.masks },
    model: { count: table.model.count, mae: table.model.mae, rmse: table.model.rmse, mre: table.model.mre, r2: table.model.r2 },
    baselines: table.baselines,
    strata: table.strata,
    intervals: table.intervals,
    training: {
      rows: provenance.rows,
      copies: provenance.copies,
      share: recipe.share,
      rounds: recipe.rounds,
      params: recipe.params,
      masks: describeMaskPlan(prepared.plan),
      through: new Date(provenance.through).toISOString(),
      refit: provenance.refit,
      seconds: provenance.seconds,
      ...(provenance.source ? { source: provenance.source } : {}),
      ...(provenance.command ? { command: provenance.command } : {}),
    },
  };
  return { metrics, evaluation: { table, scores: evaluation.scores } };
}
