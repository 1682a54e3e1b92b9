import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { connect, runMigrations, startEmbeddedPostgres, type Database } from '@airfill/db';

/** A fresh migrated database for a benchmark: on DATABASE_URL's server, or embedded PostgreSQL. */
export async function benchDatabase(name: string): Promise<Database & { dispose(): Promise<void> }> {
  const dataDir = process.env.DATABASE_URL ? undefined : mkdtempSync(path.join(os.tmpdir(), 'airfill-bench-'));
  // Open to the server's user (as root, postgres), or its cluster would move to /var/lib/airfill and outlive the benchmark.
  if (dataDir) chmodSync(dataDir, 0o755);
  const server = dataDir ? await startEmbeddedPostgres({ dataDir }) : undefined;
  const adminUrl = process.env.DATABASE_URL ?? server!.url;
  const database = `airfill_bench_${name}_${process.pid}`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  await admin.query(`create database ${database}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const db = connect({ kind: 'url', url: url.toString() }, { max: 4 });
  await runMigrations(db);
  return {
    ...db,
    async dispose() {
      await db.close();
      const cleanup = new pg.Client(adminUrl);
      await cleanup.connect();
      await cleanup.query(`drop database ${database} with (force)`);
      await cleanup.end();
      await server?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Prints a result line and returns whether it met its target. */
export function verdict(label: string, ok: boolean): boolean {
  console.log(`${ok ? 'PASS' : 'MISS'}  ${label}`);
  return ok;
}
