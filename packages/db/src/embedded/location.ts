import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedPostgresError } from './errors';
import { canReach, type ServerUser } from './server-user';

/** Where clusters live whose data dir the server's user cannot reach (persistent: /tmp is wiped at boot). */
export const DEFAULT_CLUSTERS_DIR = '/var/lib/airfill/clusters';

/** The file in a data dir that says where its cluster lives when it lives elsewhere. */
export const POINTER_FILE = 'pg.location';

/** Where a data dir's cluster lives. */
export interface ClusterPlace {
  /** airfill's folder for the cluster: the owner record and the server log sit here, the cluster in `pg/`. */
  home: string;
  /** PostgreSQL's data directory. */
  clusterDir: string;
  /** True when the cluster lives outside the data dir. */
  relocated: boolean;
  /** A one-line note for the user when relocated. */
  note?: string;
}

/** Options of {@link placeCluster}. */
export interface PlaceOptions {
  /** A throwaway cluster (tests): relocated to the system temp dir rather than kept. */
  ephemeral?: boolean;
  /** @default DEFAULT_CLUSTERS_DIR */
  clustersDir?: string;
}

const keyOf = (dataDir: string) => createHash('sha256').update(dataDir).digest('hex').slice(0, 16);

function makeOpenFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(dir, 0o755);
}

/**
 * Decides where the cluster of `dataDir` lives: in `<dataDir>/pg` when the
 * server's user can reach it; otherwise (as root in a private folder such
 * as /root or a `mktemp -d` folder) in `<clustersDir>/<hash of dataDir>/pg`,
 * with a pointer file in the data dir, or for a throwaway cluster under the
 * system temp dir. Creates the folders, hands the cluster folder to the
 * server's user, and adopts a cluster an earlier version kept under /tmp.
 */
export function placeCluster(dataDir: string, user: ServerUser, options: PlaceOptions = {}): ClusterPlace {
  const resolved = path.resolve(dataDir);
  mkdirSync(resolved, { recursive: true });
  let place: ClusterPlace;
  if (user.self || canReach(user, path.dirname(resolved), 1)) {
    if (!user.self) chmodSync(resolved, 0o755);
    place = { home: resolved, clusterDir: path.join(resolved, 'pg'), relocated: false };
  } else {
    const key = keyOf(resolved);
    const home = options.ephemeral ? path.join(os.tmpdir(), `airfill-pg-${key}`) : path.join(options.clustersDir ?? DEFAULT_CLUSTERS_DIR, key);
    try {
      if (!options.ephemeral) makeOpenFolder(path.dirname(path.dirname(home)));
      makeOpenFolder(path.dirname(home));
      makeOpenFolder(home);
    } catch (error) {
      throw new EmbeddedPostgresError(`cannot create ${home} for the embedded cluster: ${(error as Error).message}`, { home }, { cause: error });
    }
    if (!canReach(user, home, 1)) {
      throw new EmbeddedPostgresError(`the ${user.name} user cannot reach ${home}, where the cluster of ${resolved} would live`, { home, dataDir: resolved });
    }
    place = {
      home,
      clusterDir: path.join(home, 'pg'),
      relocated: true,
      note: `note: the ${user.name} user cannot reach ${resolved} (a folder above it is private); its embedded cluster lives in ${home}`,
    };
    if (!options.ephemeral) {
      writeFileSync(path.join(resolved, POINTER_FILE), `${home}\n`);
      adoptLegacyCluster(resolved, place.clusterDir);
    }
  }
  if (!existsSync(place.clusterDir)) mkdirSync(place.clusterDir, { mode: 0o700 });
  if (!user.self) chownSync(place.clusterDir, user.uid, user.gid);
  return place;
}

/** Earlier versions kept such clusters in `<tmp>/airfill-pg-<hash>/pg`; move one there into its persistent place. */
function adoptLegacyCluster(dataDir: string, clusterDir: string): void {
  const legacy = path.join(os.tmpdir(), `airfill-pg-${keyOf(dataDir)}`, 'pg');
  if (!existsSync(path.join(legacy, 'PG_VERSION')) || existsSync(path.join(clusterDir, 'PG_VERSION'))) return;
  try {
    if (existsSync(clusterDir)) rmdirSync(clusterDir); // an empty folder a failed start left
    renameSync(legacy, clusterDir);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `the cluster of ${dataDir} is in ${legacy} (where an earlier airfill kept it) and cannot be moved to ${clusterDir}: ${(error as Error).message}; move it there by hand`,
      { legacy, clusterDir },
      { cause: error },
    );
  }
}
