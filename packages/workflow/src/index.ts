export { buildPipelineDefinition, STATES, LAMBDA_WAIT_FOR_TOKEN, SNS_PUBLISH, PARAMETER_OUTCOMES, PARAMETERS_FAILED_ERROR, MAX_CHUNK_CONCURRENCY, type PipelineWorkflowProps } from './definition';
export { TRANSIENT_ERRORS, PERMANENT_ERRORS, TIMEOUT_ERROR } from './errors';
export type { AslDefinition, AslState, AslTaskState, AslMapState, AslItemProcessor, AslItemReader, AslRetrier, AslCatcher, AslChoiceState, AslFailState } from './asl';
export { transientRetry } from './retry';
export {
  buildTrainingDefinition,
  TRAINING_STATES,
  SAGEMAKER_TRAINING_SYNC,
  SAGEMAKER_API_ERROR,
  TRAINING_SCRIPT_HYPERPARAMETERS,
  type TrainingWorkflowProps,
  type TrainingJobSettings,
} from './training';
export { transformEventPattern, type TransformEventPattern } from './event-pattern';
export { lowerDistributedMaps, itemReaderStateName, type LoweredMap } from './lower-distributed-maps';
