import { execFileSync } from 'node:child_process';
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { EmbeddedPostgresError } from './errors';

/** The operating-system user the server runs as. */
export interface ServerUser {
  name: string;
  uid: number;
  gid: number;
  /** True when that is this process's own user (no switching, nothing to check). */
  self: boolean;
}

/** The name of the user PostgreSQL runs as when airfill runs as root (PostgreSQL refuses to run as root). */
export const SERVER_USER_NAME = 'postgres';

function idOf(name: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** Creates a system user (and its group, unless one of that name exists) without a home or a login shell. */
function createSystemUser(name: string): void {
  const groupExists = (() => {
    try {
      execFileSync('getent', ['group', name], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  execFileSync(
    'useradd',
    ['--system', ...(groupExists ? ['--gid', name] : ['--user-group']), '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', name],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

/**
 * Who runs the server: this process's user, or as root the `postgres`
 * system user, created when missing (PostgreSQL will not run as root).
 */
export function serverUser(): ServerUser {
  const uid = process.getuid?.();
  if (uid !== 0) return { name: 'self', uid: uid ?? -1, gid: process.getgid?.() ?? -1, self: true };
  let ids = idOf(SERVER_USER_NAME);
  if (!ids) {
    try {
      createSystemUser(SERVER_USER_NAME);
    } catch (error) {
      const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
      throw new EmbeddedPostgresError(
        `PostgreSQL cannot run as root, and creating the "${SERVER_USER_NAME}" user to run it failed: ${detail}`,
        { user: SERVER_USER_NAME },
        { cause: error },
      );
    }
    ids = idOf(SERVER_USER_NAME);
    if (!ids) throw new EmbeddedPostgresError(`created the "${SERVER_USER_NAME}" user, but cannot look it up`, { user: SERVER_USER_NAME });
  }
  return { name: SERVER_USER_NAME, ...ids, self: false };
}

/** The permission bits (rwx, 0-7) that apply to `user` on a file with this owner and mode. */
function bitsFor(user: ServerUser, stats: { uid: number; gid: number; mode: number }): number {
  if (stats.uid === user.uid) return (stats.mode >> 6) & 7;
  if (stats.gid === user.gid) return (stats.mode >> 3) & 7;
  return stats.mode & 7;
}

/**
 * Whether `user` can reach `target`: search (x) permission on every folder
 * from the root down (symbolic links resolved), and `need` (4 read, 1
 * execute; 5 for a program) on the target itself. A target that does not
 * exist yet is judged by its nearest existing folder.
 */
export function canReach(user: ServerUser, target: string, need = 0): boolean {
  if (user.self) return true;
  let existing = path.resolve(target);
  let exists = true;
  for (;;) {
    try {
      existing = realpathSync(existing);
      break;
    } catch {
      exists = false;
      const parent = path.dirname(existing);
      if (parent === existing) return false;
      existing = parent;
    }
  }
  const folders: string[] = [];
  for (let current = exists ? path.dirname(existing) : existing; ; current = path.dirname(current)) {
    folders.push(current);
    if (current === path.dirname(current)) break;
  }
  for (const folder of folders) {
    if ((bitsFor(user, statSync(folder)) & 1) === 0) return false;
  }
  if (!exists || need === 0) return true;
  return (bitsFor(user, statSync(existing)) & need) === need;
}
