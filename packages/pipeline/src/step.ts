import { ZodError } from 'zod';
import { InputError, PipelineError, TransientError } from './errors';
import { isTransientAwsError } from './aws-errors';
import type { Logger } from './logger';

/** PostgreSQL error classes worth a retry: connection loss, failover, too many connections, serialisation, deadlock. */
const TRANSIENT_PG_CODES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53300', '40001', '40P01']);
const TRANSIENT_NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Gives an error the name the state machine acts on: our own errors (and the
 * data layer's DatabaseUnavailableError / DatabaseInputError) keep theirs, a
 * dropped connection or throttled AWS call becomes `TransientError`, a zod
 * failure (bad event) becomes `InputError`. Anything else stays as it is and
 * is caught, not retried.
 */
export function classifyError(error: unknown): unknown {
  if (error instanceof PipelineError) return error;
  if (error instanceof ZodError) return new InputError(`invalid input: ${error.message}`, {}, { cause: error });
  // drizzle wraps driver errors ("Failed query: ...") with the driver's error as the cause: look down the chain.
  for (let current: unknown = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth += 1) {
    const transient = transientReason(current);
    if (transient) return new TransientError(`${transient}: ${(current as Error).message}`, {}, { cause: error });
  }
  return error;
}

/** Why an error is worth a retry, or undefined. */
function transientReason(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (TRANSIENT_PG_CODES.has(code) || TRANSIENT_NET_CODES.has(code))) return `database or network failure (${code})`;
  if (error instanceof Error && /Connection terminated|timeout exceeded when trying to connect/i.test(error.message)) return 'database connection lost';
  if (isTransientAwsError(error)) return 'AWS call failed transiently';
  return undefined;
}

/**
 * Runs one Lambda's work: logs its start, end and duration as JSON lines, and
 * rethrows failures with the name Retry/Catch match on (see `classifyError`).
 */
export async function runStep<T>(logger: Logger, step: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const stepLogger = logger.child({ step });
  stepLogger.debug('step started');
  try {
    const result = await work();
    const ms = Math.round(performance.now() - started);
    stepLogger.info('step finished', { ms });
    stepLogger.metrics({ Duration: { value: ms, unit: 'Milliseconds' }, Failures: 0 });
    return result;
  } catch (error) {
    const classified = classifyError(error);
    const ms = Math.round(performance.now() - started);
    stepLogger.error('step failed', { ms, error: classified });
    stepLogger.metrics({ Duration: { value: ms, unit: 'Milliseconds' }, Failures: 1 });
    throw classified;
  }
}
