import { Option, type Command } from 'commander';
import { openDatabase, type OpenedDatabase } from '@airfill/db';
import { airfillConfigSchema } from '@airfill/schema';
import { CliError } from './errors';
import { userPath } from './paths';
import { progressLine } from './output';

/** The database flags every command shares. */
export interface DatabaseFlags {
  databaseUrl?: string;
  dataDir: string;
}

/** Adds `--database-url` (or DATABASE_URL) and `--data-dir` to a command. */
export function addDatabaseOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--database-url <url>', 'PostgreSQL to use; without it, embedded PostgreSQL runs in --data-dir').env('DATABASE_URL'),
    )
    .option('--data-dir <dir>', 'folder for embedded PostgreSQL and local artefacts', '.airfill');
}

/**
 * The database a command works on, checked before any work starts: a
 * postgres:// URL (an empty one means none), else the embedded one in the
 * data dir (resolved against the caller's directory).
 */
export function databaseTarget(flags: DatabaseFlags): { databaseUrl?: string; dataDir: string } {
  const url = flags.databaseUrl?.trim();
  const dataDir = userPath(flags.dataDir);
  if (!url) return { dataDir };
  const parsed = airfillConfigSchema.shape.databaseUrl.safeParse(url);
  if (!parsed.success || !parsed.data) {
    throw new CliError(`--database-url (or DATABASE_URL) "${url.replace(/:\/\/([^:@/]+):[^@]*@/, '://$1:***@')}" is not a postgres:// URL`);
  }
  return { databaseUrl: parsed.data, dataDir };
}

/**
 * Opens the command's database (starting embedded PostgreSQL when no URL is
 * given, migrating it), runs `work`, and closes it again, also on failure.
 */
export async function withDatabase<T>(flags: DatabaseFlags, work: (database: OpenedDatabase) => Promise<T>): Promise<T> {
  const target = databaseTarget(flags);
  const database = await openDatabase({ ...target, onProgress: progressLine });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}
