export { buildPipelineDefinition, STATES, LAMBDA_WAIT_FOR_TOKEN, SNS_PUBLISH, PARAMETER_OUTCOMES, PARAMETERS_FAILED_ERROR, type PipelineWorkflowProps } from './definition';
export { TRANSIENT_ERRORS, PERMANENT_ERRORS, TIMEOUT_ERROR } from './errors';
export type { AslDefinition, AslState, AslTaskState, AslMapState, AslItemProcessor, AslRetrier, AslCatcher, AslChoiceState, AslFailState } from './asl';
export { transformEventPattern, type TransformEventPattern } from './event-pattern';
