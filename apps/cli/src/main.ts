#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ZodError } from 'zod';
import { DatabaseError } from '@airfill/db';
import { CsvFormatError } from '@airfill/ingest';
import { commands } from './commands';
import { CliError, EXIT } from './errors';
import { note } from './output';

/** Turns any error into a message for the user and an exit code. */
function explain(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof CsvFormatError) return { message: `${error.message}\nnothing was loaded.`, exitCode: EXIT.failed };
  if (error instanceof DatabaseError) return { message: error.message, exitCode: EXIT.failed };
  if (error instanceof ZodError) {
    return { message: error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('\n'), exitCode: EXIT.failed };
  }
  const withCode = error as { code?: string; message?: string };
  if (withCode.code === 'ECONNREFUSED') return { message: `cannot reach PostgreSQL: ${withCode.message}`, exitCode: EXIT.failed };
  return { message: error instanceof Error ? (error.stack ?? error.message) : String(error), exitCode: EXIT.failed };
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('airfill')
    .description('fill the gaps in air-quality sensor data')
    .showHelpAfterError()
    .exitOverride();
  for (const command of commands) command.register(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.failed;
      return;
    }
    const { message, exitCode } = explain(error);
    note(`airfill: ${message}`);
    process.exitCode = exitCode;
  }
}

void main(process.argv);
