import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { binariesAt, type PostgresBinaries } from './binaries';
import { EmbeddedPostgresError } from './errors';

/** Where staged copies of the binaries go when the server's user cannot reach them where they are. */
export const DEFAULT_BINARY_CACHE = '/var/cache/airfill';

const STAMP = '.airfill-stamp';
/** The parts of a binary tree the server needs (the packages also ship headers and static libraries elsewhere). */
const PARTS = ['bin', 'lib', 'share'];

/** Every file and link under `dir`, with its size and mode: what a copy must reproduce. */
function listing(dir: string, prefix = ''): string[] {
  const lines: string[] = [];
  for (const name of readdirSync(path.join(dir, prefix)).sort()) {
    const relative = path.join(prefix, name);
    const stats = lstatSync(path.join(dir, relative));
    if (stats.isDirectory()) lines.push(...listing(dir, relative));
    else lines.push(`${relative} ${stats.isSymbolicLink() ? 'link' : stats.size} ${(stats.mode & 0o777).toString(8)}`);
  }
  return lines;
}

/** A stamp naming the source and its file listing: a staged copy is reused only while it matches. */
function stampOf(binaries: PostgresBinaries): string {
  const files = PARTS.filter((part) => existsSync(path.join(binaries.root, part))).flatMap((part) => listing(binaries.root, part));
  return `${binaries.label}\n${createHash('sha256').update(files.join('\n')).digest('hex')}\n`;
}

function readStamp(dir: string): string | undefined {
  try {
    return readFileSync(path.join(dir, STAMP), 'utf8');
  } catch {
    return undefined;
  }
}

/** Makes every folder of a tree searchable and readable by others (files keep their own modes, which grant that). */
function openFolders(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) openFolders(path.join(dir, entry.name));
}

/**
 * Copies the binary tree (bin, lib, share: about 60 MB) once into
 * `<cacheDir>/postgresql-<version>-<hash of the stamp>/`, mode 755, for a server user that cannot
 * reach the original (a checkout in a private folder, as root). The copy is
 * written under a temporary name and renamed into place, so a reader never
 * sees half a copy; an existing copy is reused while its stamp matches the
 * source. Two processes staging at once both succeed (the second rename
 * loses and uses the winner's copy).
 */
export function stageBinaries(binaries: PostgresBinaries, cacheDir: string = DEFAULT_BINARY_CACHE): PostgresBinaries {
  const stamp = stampOf(binaries);
  const target = path.join(cacheDir, `postgresql-${binaries.version}-${createHash('sha256').update(stamp).digest('hex').slice(0, 12)}`);
  if (readStamp(target) === stamp) return binariesAt(binaries, target);
  const temporary = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(cacheDir, { recursive: true });
    chmodSync(cacheDir, 0o755);
    mkdirSync(temporary);
    for (const part of PARTS) {
      const from = path.join(binaries.root, part);
      if (existsSync(from)) cpSync(from, path.join(temporary, part), { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    }
    writeFileSync(path.join(temporary, STAMP), stamp);
    openFolders(temporary);
    if (existsSync(target)) rmSync(target, { recursive: true, force: true }); // a copy of other binaries under a colliding name: stale
    try {
      renameSync(temporary, target);
    } catch (error) {
      // Another process put its copy there first: use it if it is whole.
      if (readStamp(target) !== stamp) throw error;
    }
  } catch (error) {
    throw new EmbeddedPostgresError(
      `cannot stage the PostgreSQL binaries in ${cacheDir} for the server's user: ${(error as Error).message}`,
      { cacheDir, source: binaries.root },
      { cause: error },
    );
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
  return binariesAt(binaries, target);
}
