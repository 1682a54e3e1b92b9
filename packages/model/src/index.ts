export { compileForest, predictForest, type CompiledForest, type ScoringLayout } from './scorer';
export { predictForestParallel } from './parallel';
export { loadModel, saveModel, DEFAULT_MODEL_DIR, featureContractSchema, modelMetricsSchema, type LoadedModel, type ModelMetricsFile } from './artifact';
export { datasetFromReadings, requireParameter, type Dataset, type ReadingLike } from './dataset';
export { computeMetrics, type Metrics } from './metrics';
export { baselinePredictions, type BaselinePredictions } from './baselines';
export { drawOutageMask, typicalStepMs, type MaskOptions } from './masks';
export { drawHoldout, timeSpan, type Holdout, type HoldoutOptions } from './holdout';
export { buildTrainingSet, type TrainingSet, type TrainingSetOptions } from './training-set';
export { evaluateOnHoldout, predictHoldout, formatEvaluationTable, type EvaluationTable } from './evaluate';
export { trainModel, DEFAULT_BOOSTER_PARAMS, DEFAULT_ROUNDS, type TrainOptions, type TrainResult } from './train';
export { decidePromotion, type GateDecision } from './gate';
export { imputeMissing, type ImputedValue } from './impute';
export { hasXgboost, requireXgboost, trainWithCli, predictWithCli, xgboostCommand, type BoosterParams } from './xgboost-cli';
export { writeLibsvm } from './libsvm';
export { seededRandom } from './random';
export { ModelError, ModelFormatError, XgboostMissingError, TrainingError, DataError } from './errors';
/** Re-exported so callers of the model need not depend on @airfill/features for this one error. */
export { FeatureContractError } from '@airfill/features';
