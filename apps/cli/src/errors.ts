/**
 * Exit codes of the airfill CLI, the same on every command and every
 * database (embedded or not); the README's table is this one.
 */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** Done, with something to look at: rows of a CSV rejected, or predictions refused as implausible. */
  rejected: 1,
  /** Could not do its job: bad arguments, unusable file, database unreachable or in use, failed run, no model. */
  failed: 2,
} as const;

/** An error meant for the user: the message says what went wrong and what to do. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
