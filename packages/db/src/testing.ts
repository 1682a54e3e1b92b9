import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect, type Database } from './connection';
import { runMigrations } from './migrate';

/** A fresh, migrated database for one test file. */
export interface TestDatabase extends Database {
  url: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.AIRFILL_TEST_ADMIN_URL ?? process.env.DATABASE_URL;
  if (!url) {
    throw new Error('no test PostgreSQL: run the tests through jest from the repo root (its global setup starts one) or set DATABASE_URL');
  }
  return url;
}

/**
 * Creates an empty database on the test server, migrated to the latest
 * schema, so test files never share state and can run in parallel.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const admin = new pg.Client(adminUrl());
  const name = `airfill_t_${randomBytes(6).toString('hex')}`;
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const database = connect({ kind: 'url', url: url.toString() }, { max: 8 });
  if (options.migrate ?? true) await runMigrations(database);
  return {
    ...database,
    url: url.toString(),
    async drop() {
      await database.close();
      const cleanup = new pg.Client(adminUrl());
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
