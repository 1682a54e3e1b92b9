/** Exit codes of the airfill CLI. */
export const EXIT = {
  ok: 0,
  /** The command ran, but some input was rejected (e.g. rows of a CSV). */
  rejected: 1,
  /** The command could not do its job (bad arguments, unusable file, no database). */
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
