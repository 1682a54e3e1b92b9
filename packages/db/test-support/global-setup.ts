/**
 * Jest global setup: gives the test run one PostgreSQL server. `DATABASE_URL`
 * when set (the docker compose service), else embedded PostgreSQL in a temp
 * folder that the teardown removes. Each test file then makes its own
 * database on it (see `src/testing.ts`). Runs once even when several jest
 * projects name it.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/embedded';

declare global {
  var airfillTestServer: { server: EmbeddedPostgres; dataDir: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.AIRFILL_TEST_ADMIN_URL) return;
  if (process.env.DATABASE_URL) {
    process.env.AIRFILL_TEST_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'airfill-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  globalThis.airfillTestServer = { server, dataDir };
  process.env.AIRFILL_TEST_ADMIN_URL = server.url;
}
