import { Option, type Command } from 'commander';
import { openDatabase, type OpenedDatabase } from '@airfill/db';
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
 * Opens the command's database (starting embedded PostgreSQL when no URL is
 * given, migrating it), runs `work`, and closes it again, also on failure.
 */
export async function withDatabase<T>(flags: DatabaseFlags, work: (database: OpenedDatabase) => Promise<T>): Promise<T> {
  const database = await openDatabase({
    databaseUrl: flags.databaseUrl,
    dataDir: userPath(flags.dataDir),
    onProgress: progressLine,
  });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}
