import { crossFitSettings, foldResiduals } from '@airfill/model';
import { trainedStateSchema, trainingKeys, trainingStepEventSchema, type CalibrateResult, type TrainingStepEvent } from '@airfill/schema';
import type { Logger } from '../logger';
import type { Bucket } from '../s3-objects';
import { readPlannedTraining, writeCalibrationPoints } from './run-files';
import { readTrainedForest, trainedFit } from './trained-models';

/** What calibrate-candidate works with. */
export interface TrainingFilesDeps {
  bucket: Bucket;
  logger: Logger;
}

/**
 * The cross-fit of the interval calibration: each fold model (trained by its
 * own training job without its block of time) predicts values masked inside
 * its block, in the data's outage shapes; the residuals go to
 * `training/<run>/calibration.json`. Pure over the run's files: a retry
 * writes the same residuals.
 */
export async function calibrateCandidate(deps: TrainingFilesDeps, rawEvent: TrainingStepEvent): Promise<CalibrateResult> {
  const event = trainingStepEventSchema.parse(rawEvent);
  const state = trainedStateSchema.parse(event.run);
  const logger = deps.logger.child({ runId: state.runId, parameter: state.parameter, step: 'calibrate-candidate' });
  const { plan, dataset, prepared } = await readPlannedTraining(deps.bucket, state.runId);
  const settings = crossFitSettings(prepared);
  const points = [];
  for (const fold of plan.folds) {
    const forest = await readTrainedForest(deps.bucket, trainedFit(state, fold.fit).modelUri);
    // One by one: a fold of a large network has more residuals than a call may take arguments.
    for (const point of foldResiduals(dataset, prepared.contract, { index: fold.index, from: fold.from, to: fold.to }, forest.predict, settings)) points.push(point);
  }
  const key = trainingKeys(state.runId).calibration;
  await writeCalibrationPoints(deps.bucket, key, points);
  logger.info('cross-fitted residuals collected', { points: points.length, folds: plan.folds.length });
  return { points: points.length, key };
}
