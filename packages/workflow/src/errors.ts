/**
 * Error names the state machine reacts to. The Lambda handlers throw classes
 * with exactly these names (see `@airfill/pipeline` errors), and Step Functions
 * matches on `error.name`, so the two must agree: both import from here.
 */

/** Worth retrying: a network blip, a throttled API, a database failover. */
export const TRANSIENT_ERRORS = [
  'TransientError',
  'DatabaseUnavailableError',
  // What the Lambda service itself reports when an invocation could not run (AWS's recommended list).
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  // An unhandled crash, out of memory or a function timeout: every step is idempotent, so run it again.
  'Lambda.Unknown',
] as const;

/** A step ran out of time. Retried for the short steps; for the transform wait it is final. */
export const TIMEOUT_ERROR = 'States.Timeout';

/** Not worth retrying: the input or the model's output is wrong, or the transform job failed. */
export const PERMANENT_ERRORS = ['InputError', 'OutputValidationError', 'TransformJobFailedError'] as const;

