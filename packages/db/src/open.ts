import { connect, type Database } from './connection';
import { describeConnectionError, redactUrl } from './connection-errors';
import { startEmbeddedPostgres } from './embedded';
import { runMigrations } from './migrate';

/** How a command finds its database. */
export interface OpenDatabaseOptions {
  /** Use this server; otherwise embedded PostgreSQL is started in `dataDir`. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded cluster. @default ".airfill" */
  dataDir?: string;
  /** Apply pending migrations first. @default true */
  migrate?: boolean;
  /** Receives progress lines ("starting embedded PostgreSQL ...") and notes. */
  onProgress?: (message: string) => void;
}

/** An open database and what it took to open it. */
export interface OpenedDatabase extends Database {
  /** Where it is: the URL without its password. */
  location: string;
  embedded: boolean;
}

/**
 * Opens the database a command works on: `databaseUrl` when given, else an
 * embedded PostgreSQL in `dataDir` that `close()` stops again. The first
 * connection is made here, so a wrong password, a missing database or an
 * unknown host fails at once, as one `DatabaseUnavailableError` sentence.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  // An empty DATABASE_URL (`DATABASE_URL= airfill ...`) means "none".
  const databaseUrl = options.databaseUrl?.trim() || undefined;
  const dataDir = options.dataDir ?? '.airfill';
  const embedded = databaseUrl
    ? undefined
    : await (async () => {
        options.onProgress?.(`starting embedded PostgreSQL in ${dataDir}`);
        return startEmbeddedPostgres({ dataDir, ...(options.onProgress ? { onNote: options.onProgress } : {}) });
      })();
  const url = databaseUrl ?? embedded!.url;
  const database = connect({ kind: 'url', url });
  try {
    if (options.migrate ?? true) await runMigrations(database);
    else await database.pool.query('select 1');
  } catch (error) {
    await database.close();
    await embedded?.stop();
    throw describeConnectionError(error, url);
  }
  return {
    ...database,
    location: embedded ? `embedded PostgreSQL in ${dataDir}` : redactUrl(url),
    embedded: Boolean(embedded),
    async close() {
      await database.close();
      await embedded?.stop();
    },
  };
}
