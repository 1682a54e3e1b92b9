import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MissingArtifactError } from '../errors';
import { REPO_ROOT } from './lambda-bundles';

/** What the read API deploys: the API Lambda's bundle and the dashboard's built files. */
export interface ReadApiAssets {
  /** `apps/api/dist` (holds index.js). */
  apiBundle: string;
  /** `packages/dashboard/dist` (holds index.html and what it loads). */
  dashboardDir: string;
}

/**
 * The built read API assets under the repository.
 * @throws MissingArtifactError naming what is not built yet.
 */
export function resolveReadApiAssets(repoRoot: string = REPO_ROOT): ReadApiAssets {
  const apiBundle = join(repoRoot, 'apps', 'api', 'dist');
  if (!existsSync(join(apiBundle, 'index.js'))) {
    throw new MissingArtifactError('the api Lambda bundle', join(apiBundle, 'index.js'), 'run `pnpm --filter @airfill/app-api build` first');
  }
  const dashboardDir = join(repoRoot, 'packages', 'dashboard', 'dist');
  if (!existsSync(join(dashboardDir, 'index.html'))) {
    throw new MissingArtifactError('the dashboard', join(dashboardDir, 'index.html'), 'run `pnpm --filter @airfill/dashboard build` first');
  }
  return { apiBundle, dashboardDir };
}

/** Every file under `dir`, as paths relative to it with `/` separators, sorted. */
export function filesUnder(dir: string): string[] {
  const walk = (at: string): string[] =>
    readdirSync(at, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(at, entry.name)) : [join(at, entry.name)]));
  return walk(dir)
    .map((file) => relative(dir, file).split('\\').join('/'))
    .sort();
}
