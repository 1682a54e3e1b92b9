import type { Context } from 'hono';
import { ApiError, ServiceUnavailableError } from './errors';

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: { status: number; code: string; message: string; issues?: { path: string; message: string }[] };
}

/** Receives errors the API could not answer with a clear 4xx (to log them). */
export type ErrorReporter = (error: unknown, request: { method: string; path: string }) => void;

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P03', '53300', '57014']);

/** Maps what went wrong to a status and body: ApiError as it says, an unreachable database 503, anything else 500. */
export function errorAnswer(error: unknown): { status: 400 | 404 | 406 | 500 | 503; body: ErrorBody; expected: boolean } {
  let known = error instanceof ApiError ? error : undefined;
  const code = (error as { code?: unknown } | null)?.code;
  if (!known && typeof code === 'string' && UNAVAILABLE_CODES.has(code)) {
    known = new ServiceUnavailableError(code === '57014' ? 'the query took too long; narrow the window or retry' : 'the database cannot be reached; retry later', { code });
  }
  if (known) return { status: known.status, body: { error: { status: known.status, code: known.code, message: known.message } }, expected: known.status < 500 };
  return { status: 500, body: { error: { status: 500, code: 'internal', message: 'internal error; it has been logged' } }, expected: false };
}

/** Answers an error as JSON, reporting the unexpected ones. */
export function answerError(c: Context, error: unknown, report?: ErrorReporter): Response {
  const { status, body, expected } = errorAnswer(error);
  if (!expected) report?.(error, { method: c.req.method, path: c.req.path });
  return c.json(body, status);
}
