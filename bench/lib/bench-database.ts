import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { connect, runMigrations, startEmbeddedPostgres, type Database, type EmbeddedPostgres } from '@airfill/db';

/** A fresh migrated database of a benchmark; `dispose()` drops it. */
export type BenchDatabase = Database & { url: string; dispose(): Promise<void> };

/** The server benchmarks make their databases on: DATABASE_URL's, or an embedded PostgreSQL with its durable defaults. */
export interface BenchServer {
  /** A fresh migrated database on this server. */
  database(name: string): Promise<BenchDatabase>;
  /** The embedded server's postmaster, when the server is embedded. */
  embedded: EmbeddedPostgres | undefined;
  stop(): Promise<void>;
}

/** Starts (or, with DATABASE_URL, reaches) the server benchmarks run on. */
export async function benchServer(): Promise<BenchServer> {
  const dataDir = process.env.DATABASE_URL ? undefined : mkdtempSync(path.join(os.tmpdir(), 'airfill-bench-'));
  // Open to the server's user (as root, postgres), or its cluster would move to /var/lib/airfill and outlive the benchmark.
  if (dataDir) chmodSync(dataDir, 0o755);
  const server = dataDir ? await startEmbeddedPostgres({ dataDir }) : undefined;
  const adminUrl = process.env.DATABASE_URL ?? server!.url;
  const admin = async (sql: string) => {
    const client = new pg.Client(adminUrl);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    embedded: server,
    async database(name) {
      const database = `airfill_bench_${name}_${process.pid}`;
      await admin(`create database ${database}`);
      const url = new URL(adminUrl);
      url.pathname = `/${database}`;
      const db = connect({ kind: 'url', url: url.toString() }, { max: 4 });
      await runMigrations(db);
      return {
        ...db,
        url: url.toString(),
        async dispose() {
          await db.close();
          await admin(`drop database ${database} with (force)`);
        },
      };
    },
    async stop() {
      await server?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh migrated database for a benchmark on a server of its own; `dispose()` drops it and stops the server. */
export async function benchDatabase(name: string): Promise<BenchDatabase> {
  const server = await benchServer();
  const database = await server.database(name);
  return {
    ...database,
    async dispose() {
      await database.dispose();
      await server.stop();
    },
  };
}

/** Prints a result line and returns whether it met its target. */
export function verdict(label: string, ok: boolean): boolean {
  console.log(`${ok ? 'PASS' : 'MISS'}  ${label}`);
  return ok;
}
