import { ZodError } from 'zod';
import { AirfillError } from '@airfill/schema';
import { CliError, EXIT } from './errors';

/** What the user reads when a command fails, and the exit code. */
export interface Explanation {
  message: string;
  exitCode: number;
}

/**
 * Turns an error into one message for the user and an exit code. Expected
 * failures (airfill's own errors, bad input) are one line without a stack;
 * anything else is a bug or a surprise: its message, and its stack with
 * `--verbose`.
 */
export function explain(error: unknown, verbose: boolean): Explanation {
  const withStack = (message: string) => (verbose && error instanceof Error && error.stack ? `${message}\n${error.stack}` : message);
  if (error instanceof CliError) return { message: withStack(error.message), exitCode: error.exitCode };
  if (error instanceof AirfillError) {
    // By name, so the CLI loads the CSV reader only for the commands that read CSV.
    const nothingLoaded = error.name === 'CsvFormatError' ? '\nnothing was loaded.' : '';
    return { message: withStack(`${error.message}${nothingLoaded}`), exitCode: EXIT.failed };
  }
  if (error instanceof ZodError) {
    return { message: error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('\n'), exitCode: EXIT.failed };
  }
  const text = error instanceof Error ? error.message : String(error);
  return {
    message: verbose && error instanceof Error && error.stack ? `unexpected error: ${error.stack}` : `unexpected error: ${text} (run again with --verbose to see where)`,
    exitCode: EXIT.failed,
  };
}
