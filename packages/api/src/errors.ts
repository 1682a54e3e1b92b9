import { AirfillError } from '@airfill/schema';

/** Base of the errors the read API raises on purpose; `status` is the HTTP status it answers with. */
export class ApiError extends AirfillError {
  /** The HTTP status of the answer. */
  readonly status: 400 | 404 | 406 | 503 = 400;
  /** A stable, machine-readable code (`bad_request`, `not_found`, ...). */
  readonly code: string = 'bad_request';
}

/** A query the API cannot answer as asked (bad parameter, window too long). Answered with 400. */
export class BadQueryError extends ApiError {}

/** An id (device, run) that does not exist. Answered with 404. */
export class NotFoundError extends ApiError {
  override readonly status = 404;
  override readonly code = 'not_found';
}

/** The database cannot be reached. Answered with 503 (a retry may work). */
export class ServiceUnavailableError extends ApiError {
  override readonly status = 503;
  override readonly code = 'unavailable';
}
