import {
  assessCandidate,
  buildModelMetrics,
  decidePromotion,
  evaluateOnHoldout,
  FeatureContractError,
  modelVersionOf,
  type Evaluation,
  type LoadedModel,
} from '@airfill/model';
import { trainedStateSchema, trainingKeys, trainingStepEventSchema, type EvaluateResult, type TrainingStepEvent } from '@airfill/schema';
import type { Logger } from '../logger';
import type { Bucket } from '../s3-objects';
import { readCalibrationPoints, readPlannedTraining, writeJson } from './run-files';
import { readTrainedForest, trainedFit } from './trained-models';
import type { CandidateFile } from './candidate-file';

/** What evaluate-candidate works with. */
export interface EvaluateCandidateDeps {
  bucket: Bucket;
  logger: Logger;
  /** The model the parameter is filled with now (the registry's current one, else the deployed default); null when none. */
  currentModel(parameter: string): Promise<LoadedModel | null>;
}

/** The current model scored on the candidate's holdout; null when there is none, or it cannot be scored by these features any more. */
function scoreCurrent(current: LoadedModel | null, sites: Parameters<typeof evaluateOnHoldout>[1], holdout: Parameters<typeof evaluateOnHoldout>[2], logger: Logger): Evaluation | null {
  if (!current) return null;
  try {
    return evaluateOnHoldout(current, sites, holdout);
  } catch (error) {
    // A model of an older feature version cannot block its successor; the gate then compares with the baselines.
    if (!(error instanceof FeatureContractError)) throw error;
    logger.warn('current model cannot be scored', { version: current.version, reason: error.message });
    return null;
  }
}

/**
 * Scores the candidate, the current model and the baselines on the masked
 * holdout, by stratum; calibrates the intervals (on the cross-fitted
 * residuals for the evaluation, on those and the holdout's for serving);
 * and decides with the evaluation gate (stratum rule included). Writes the
 * candidate's files (metrics, calibration, decision) to
 * `training/<run>/evaluation.json` for registration. The version is named
 * after the run's start and the model file, so a retry names the same one.
 * A Lambda with the TypeScript scorer (the scorer is checked against
 * xgboost), so the evaluation is the very code `airfill train` runs.
 */
export async function evaluateCandidate(deps: EvaluateCandidateDeps, rawEvent: TrainingStepEvent): Promise<EvaluateResult> {
  const event = trainingStepEventSchema.parse(rawEvent);
  const state = trainedStateSchema.parse(event.run);
  const logger = deps.logger.child({ runId: state.runId, parameter: state.parameter, step: 'evaluate-candidate' });
  const keys = trainingKeys(state.runId);
  const { plan, dataset, prepared } = await readPlannedTraining(deps.bucket, state.runId);
  const forest = await readTrainedForest(deps.bucket, trainedFit(state, 'model').modelUri);
  const crossFit = await readCalibrationPoints(deps.bucket, keys.calibration);
  const assessment = assessCandidate(dataset, prepared, forest.predict, crossFit);
  const createdAt = new Date(plan.createdAt);
  const version = modelVersionOf(plan.parameter, forest.modelJson, createdAt);
  const { metrics, evaluation } = buildModelMetrics(prepared, assessment, {
    version,
    rows: plan.candidate.rows,
    copies: plan.candidate.copies,
    through: prepared.holdout.from,
    refit: false,
    seconds: (Date.now() - createdAt.getTime()) / 1000,
    source: plan.source,
  });
  const current = await deps.currentModel(plan.parameter);
  const currentEvaluation = scoreCurrent(current, dataset.sites, prepared.holdout, logger);
  const through = current?.metrics.training.through;
  const decision = decidePromotion(evaluation, currentEvaluation, through ? { currentSeenThrough: Date.parse(through) } : {});
  const file: CandidateFile = {
    format: 'airfill-candidate-1',
    version,
    modelUri: trainedFit(state, 'model').modelUri,
    contract: { ...prepared.contract, columns: [...prepared.contract.columns] },
    metrics,
    calibration: assessment.calibration,
    decision: { promote: decision.promote, reason: decision.reason, worseStrata: decision.worseStrata },
    current: current ? { version: current.version, mae: currentEvaluation?.table.model.mae ?? null } : null,
  };
  await writeJson(deps.bucket, keys.evaluation, file);
  const result: EvaluateResult = {
    version,
    promote: decision.promote,
    reason: decision.reason,
    mae: evaluation.table.model.mae,
    linearMae: evaluation.table.baselines.linear.mae,
    currentMae: currentEvaluation?.table.model.mae ?? null,
    key: keys.evaluation,
  };
  logger.info('candidate evaluated', { version, promote: result.promote, reason: result.reason, mae: result.mae, linearMae: result.linearMae, currentMae: result.currentMae });
  logger.metrics({ CandidateMae: result.mae });
  return result;
}
