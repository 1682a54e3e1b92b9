import path from 'node:path';
import { createLogger, lambdaClients, lambdaMigrationDatabase, migrate, once, runStep, type MigrateResult } from '@airfill/pipeline';
import { parseLambdaEnv, type MigrateEvent } from '@airfill/schema';

const env = once(() => parseLambdaEnv('migrate'));
const logger = createLogger({ fields: { lambda: 'migrate' } });

/**
 * Lambda: applies migrations (shipped in dist/migrations), sets up the IAM app
 * user when given the master secret, optionally loads an initial CSV from the bucket.
 */
export async function handler(event: MigrateEvent = {}): Promise<MigrateResult> {
  return runStep(logger, 'migrate', async () => {
    const { database, appUser } = await lambdaMigrationDatabase();
    return migrate(
      { database, bucket: { s3: lambdaClients.s3(), name: env().AIRFILL_BUCKET }, logger },
      // dist/migrations in the bundle; AIRFILL_MIGRATIONS_DIR elsewhere (tests, a local run).
      { migrationsFolder: process.env.AIRFILL_MIGRATIONS_DIR ?? path.join(__dirname, 'migrations'), appUser },
      event,
    );
  });
}
