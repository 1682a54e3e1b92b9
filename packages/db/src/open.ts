import { connect, type Database } from './connection';
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
  /** Receives progress lines ("starting embedded PostgreSQL ..."). */
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
 * embedded PostgreSQL in `dataDir` that `close()` stops again.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  // An empty DATABASE_URL (`DATABASE_URL= airfill ...`) means "none".
  const databaseUrl = options.databaseUrl?.trim() || undefined;
  const embedded = databaseUrl
    ? undefined
    : await (async () => {
        options.onProgress?.(`starting embedded PostgreSQL in ${options.dataDir ?? '.airfill'}`);
        return startEmbeddedPostgres({ dataDir: options.dataDir ?? '.airfill', onNote: options.onProgress });
      })();
  const url = databaseUrl ?? embedded!.url;
  const database = connect({ kind: 'url', url });
  try {
    if (options.migrate ?? true) await runMigrations(database);
  } catch (error) {
    await database.close();
    await embedded?.stop();
    throw error;
  }
  return {
    ...database,
    location: embedded ? `embedded PostgreSQL in ${options.dataDir ?? '.airfill'}` : url.replace(/:\/\/([^:@/]+):[^@]*@/, '://$1:***@'),
    embedded: Boolean(embedded),
    async close() {
      await database.close();
      await embedded?.stop();
    },
  };
}
