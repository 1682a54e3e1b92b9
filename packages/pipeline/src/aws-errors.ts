import { TransientError } from './errors';

/** The shape AWS SDK v3 errors share (service exceptions carry `$metadata` and `$retryable`). */
interface AwsErrorLike {
  name?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'InternalServerError',
  'InternalFailure',
  'TimeoutError',
  'RequestTimeout',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
]);

/** True when an AWS SDK (or network) error is worth retrying: throttling, 5xx, a dropped connection. */
export function isTransientAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as AwsErrorLike & { code?: string };
  if (candidate.$retryable) return true;
  if (candidate.name && TRANSIENT_NAMES.has(candidate.name)) return true;
  if (candidate.code && TRANSIENT_NAMES.has(candidate.code)) return true;
  const status = candidate.$metadata?.httpStatusCode;
  return status !== undefined && (status >= 500 || status === 429);
}

/** True when an AWS SDK error has this name (SDK v3 sets `name` to the service's error code). */
export function isAwsError(error: unknown, ...names: string[]): boolean {
  return typeof error === 'object' && error !== null && names.includes((error as AwsErrorLike).name ?? '');
}

/**
 * Runs an AWS call and turns a transient failure into a `TransientError`
 * (which the state machine retries with backoff); anything else is rethrown as is.
 */
export async function aws<T>(what: string, call: () => Promise<T>, context: Record<string, unknown> = {}): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw awsFailure(what, error, context);
  }
}

/** What a failed AWS call is thrown as: a `TransientError` when it is worth retrying, else the error itself. */
export function awsFailure(what: string, error: unknown, context: Record<string, unknown> = {}): unknown {
  if (isTransientAwsError(error)) return new TransientError(`${what} failed transiently: ${(error as Error).message}`, { ...context, what }, { cause: error });
  return error;
}
