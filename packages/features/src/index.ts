export * from './contract';
export { buildFeatureMatrix, buildFeatureMatrixFromContext, prepareFeatureContext, type FeatureContext } from './build';
export { toPrediction } from './prediction';
export {
  makeFeatureContract,
  otherParametersOf,
  FEATURE_VERSION,
  FEATURE_SETTINGS,
  BASE_COLUMNS,
  BASELINE_COLUMN,
} from './columns';
export { indexObservations, indexSeries, groupObservations, parameterCadence, type Series, type SeriesIndex } from './series';
export { alignToleranceOf, assertCadenceFits, cadenceOfTimes, describeCadence, networkCadence, snapCadence, DEFAULT_STEP_MS, MAX_CADENCE_RATIO, MIN_STEPS_FOR_CADENCE } from './cadence';
export { distanceKm, nearestNeighbours, type Neighbour } from './geo';
export { FeatureContractError } from './errors';
export { lowerBound, upperBound, valueNear } from './series';
