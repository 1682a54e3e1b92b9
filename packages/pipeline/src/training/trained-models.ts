import { compileForest, modelFileOf, predictForest, readModelArchive, type LoadedModel } from '@airfill/model';
import { TRAINING_FITS, type TrainedFit, type TrainingFit, type TrainingState } from '@airfill/schema';
import { InputError } from '../errors';
import { getBytes, keyInBucket, type Bucket } from '../s3-objects';

/** A forest a training job wrote, ready to score (its contract is the run's). */
export interface TrainedForest {
  modelJson: string;
  predict: LoadedModel['predict'];
}

/** The training job of a fit in the state after the Map, matched by job name (never by position). */
export function trainedFit(state: TrainingState & { trained: TrainedFit[] }, fit: TrainingFit): TrainedFit {
  const spec = state.fits.find((candidate) => candidate.fit === fit);
  const trained = spec && state.trained.find((job) => job.jobName === spec.jobName);
  if (!trained) throw new InputError(`run ${state.runId} has no trained ${fit} model (jobs: ${state.trained.map((job) => job.jobName).join(', ')})`, { runId: state.runId, fit });
  return trained;
}

/** Reads the model.tar.gz a training job wrote (the model alone) and compiles its forest. */
export async function readTrainedForest(bucket: Bucket, modelUri: string): Promise<TrainedForest> {
  const modelJson = modelFileOf(readModelArchive(await getBytes(bucket, keyInBucket(bucket, modelUri)))).content.toString('utf8');
  const forest = compileForest(JSON.parse(modelJson));
  return { modelJson, predict: (matrix) => predictForest(forest, matrix.values, matrix.rows, matrix.columns) };
}

/** The fold fits, in fold order. */
export const FOLD_FITS = TRAINING_FITS.filter((fit): fit is Exclude<TrainingFit, 'model'> => fit !== 'model');
