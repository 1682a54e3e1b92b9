import path from 'node:path';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { Database } from './connection';
import { ensurePartitionsAhead } from './queries/partitions';

/** Folder of the committed drizzle-kit migrations. A Lambda bundle ships a copy beside its code. */
export const MIGRATIONS_FOLDER = process.env.AIRFILL_MIGRATIONS_DIR ?? path.resolve(__dirname, '../migrations');

/**
 * Applies pending migrations, then makes sure `readings` has partitions for
 * this month and the next few (the migrate step creates them ahead, so the
 * daily writes never wait on DDL). Safe to run twice and from two processes
 * at once: drizzle records applied migrations, and an advisory lock
 * serialises runners.
 */
export async function runMigrations(database: Database, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  const client = await database.pool.connect();
  try {
    await client.query('select pg_advisory_lock(727274)');
    try {
      await migrate(database.db, { migrationsFolder });
      await ensurePartitionsAhead(client);
    } finally {
      await client.query('select pg_advisory_unlock(727274)');
    }
  } finally {
    client.release();
  }
}
