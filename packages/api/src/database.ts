import { poolConfig, schema, type ConnectionSettings, type Database } from '@airfill/db';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';

/**
 * The role every API connection reads as. Migration 0003 creates it with
 * SELECT on every table and view and nothing else; `airfill_api` (the IAM
 * login of the API Lambda) is its member.
 */
export const READ_ONLY_ROLE = 'airfill_readonly';

/** The IAM-authenticated login of the API Lambda on Aurora (migration 0003). */
export const API_LOGIN_ROLE = 'airfill_api';

/** Longest a single API query may run before PostgreSQL cancels it. */
export const STATEMENT_TIMEOUT_MS = 10_000;

/**
 * Opens a pool whose every connection reads as {@link READ_ONLY_ROLE} in
 * read-only transactions: even when the URL logs in as a superuser (the
 * embedded database of `airfill serve`), the API cannot write. Role and
 * settings are startup options, so they hold before the first query.
 */
export function connectReadOnly(settings: ConnectionSettings, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({
    ...poolConfig(settings, options.max ?? 8),
    options: `-c role=${READ_ONLY_ROLE} -c default_transaction_read_only=on -c statement_timeout=${STATEMENT_TIMEOUT_MS}`,
  });
  // An idle client's error (server restart) must not crash the server; the next query reports it.
  pool.on('error', () => undefined);
  return { pool, db: drizzle(pool, { schema }), close: () => pool.end() };
}
