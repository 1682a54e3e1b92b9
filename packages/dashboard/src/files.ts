import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DashboardFile } from './build';

/** What the page reads from `dashboard-config.json`. */
export interface DashboardConfig {
  /**
   * Raster tiles under the outline, e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png`
   * (mind the provider's usage policy). null: the bundled outline only, which works offline.
   */
  tileUrl: string | null;
  /** Credit line the tile provider asks for. */
  tileAttribution: string;
}

/** `dashboard-config.json` as a file of the dashboard. */
export function dashboardConfigFile(config: DashboardConfig): [string, DashboardFile] {
  return ['/dashboard-config.json', { body: new TextEncoder().encode(JSON.stringify(config)), contentType: 'application/json' }];
}

/** Writes the built files into `outDir` (emptied first): what the stacks upload to the dashboard bucket. */
export async function writeDashboard(files: ReadonlyMap<string, DashboardFile>, outDir: string): Promise<string[]> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const [name, file] of files) {
    await writeFile(path.join(outDir, name.replace(/^\//, '')), file.body);
    written.push(name);
  }
  return written;
}
