import { AirfillError } from '@airfill/schema';

/**
 * Errors the pipeline throws on purpose. Step Functions matches Retry and
 * Catch on `error.name`, so each class keeps its own name (the workflow
 * package lists the names it retries: TRANSIENT_ERRORS).
 */
export class PipelineError extends AirfillError {}

/** Worth retrying: a throttled or briefly unreachable service. */
export class TransientError extends PipelineError {}

/** The event, the environment or the stored data is wrong; retrying will not help. */
export class InputError extends PipelineError {}

/** The transform's output does not match its input (missing, duplicate or extra ids, values not finite or implausible). */
export class OutputValidationError extends PipelineError {}

/** The SageMaker transform job failed or was stopped. */
export class TransformJobFailedError extends PipelineError {}
