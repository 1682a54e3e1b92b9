export { compileForest, predictForest, type CompiledForest, type ScoringLayout } from './scorer';
export { predictForestParallel } from './parallel';
export { loadModel, saveModel, CALIBRATION_FILE, featureContractSchema, modelMetricsSchema, type LoadedModel, type ModelMetricsFile } from './artifact';
export {
  DEFAULT_MODELS_DIR,
  MODELS_MANIFEST,
  modelsManifestSchema,
  modelFolderName,
  readModelSet,
  modelSetEntry,
  loadModelFromSet,
  readContractFromSet,
  readEntryContract,
  writeModelSet,
  isModelSet,
  type ModelsManifest,
  type ModelSetEntry,
} from './model-set';
export { datasetFromReadings, requireParameter, trainableParameters, MIN_TRAINING_DATA, type Dataset, type ReadingLike } from './dataset';
export { computeMetrics, type Metrics } from './metrics';
export { baselinePredictions, type BaselinePredictions } from './baselines';
export { drawOutageMask, typicalStepMs, type MaskOptions } from './masks';
export { extractOutagePattern, transplantOutageMask, MIN_REAL_GAPS, type OutagePattern, type TransplantOptions } from './outage-pattern';
export { planMasks, drawMask, describeMaskPlan, type MaskPlan } from './mask-plan';
export { drawHoldout, applyMask, timeSpan, type Holdout, type HoldoutDraw, type HoldoutOptions } from './holdout';
export { buildTrainingSet, type TrainingSet, type TrainingSetOptions } from './training-set';
export { GAP_STRATA, NEIGHBOUR_STRATA, gapStratumOf, stratifyTargets, type GapStratum, type NeighbourStratum, type TargetStratum } from './strata';
export { evaluateOnHoldout, scoreOnHoldout, summariseScores, type Evaluation, type EvaluationTable, type HoldoutScores, type StratumMetrics } from './evaluate';
export { formatEvaluationTable, formatStrataTable } from './evaluation-report';
export { computeIntervalMetrics, type IntervalMetrics } from './interval-metrics';
export {
  fitCalibration,
  intervalFor,
  calibrationKeysOf,
  calibrationTableSchema,
  widestErrors,
  type CalibrationTable,
  type CalibrationKey,
  type CalibrationPoint,
  type CalibrationOptions,
  type Interval,
} from './calibration';
export { crossFitResiduals, crossFitFolds, foldTrainingSet, foldResiduals, type CrossFitOptions, type CrossFitSettings, type CrossFitFold } from './cross-fit';
export { prepareTraining, candidateTrainingSet, crossFitSettings, type PreparedTraining, type TrainingRecipe, type TrainingRecipeOptions } from './training-plan';
export { assessCandidate, buildModelMetrics, modelVersionOf, type CandidateAssessment, type MetricsProvenance } from './candidate-assessment';
export { encodeDataset, decodeDataset } from './dataset-file';
export { packModelArchive, readModelArchive, unpackModelArchive, modelFileOf, SAGEMAKER_MODEL_FILE, ARCHIVE_METADATA_DIR, type ModelArchiveFiles } from './model-archive';
export { readTar, writeTar, type TarEntry } from './tar';
export { fitForest, type FittedForest } from './fit';
export { trainModel, DEFAULT_BOOSTER_PARAMS, DEFAULT_ROUNDS, type TrainOptions, type TrainResult } from './train';
export { decidePromotion, type GateDecision, type GateOptions } from './gate';
export { imputeMissing, type ImputedValue } from './impute';
export { hasXgboost, requireXgboost, trainWithCli, trainLibsvmWithCli, predictWithCli, xgboostCommand, type BoosterParams } from './xgboost-cli';
export { writeLibsvm } from './libsvm';
export { seededRandom } from './random';
export { ModelError, ModelFormatError, XgboostMissingError, TrainingError, DataError } from './errors';
/** Re-exported so callers of the model need not depend on @airfill/features for this one error. */
export { FeatureContractError } from '@airfill/features';
