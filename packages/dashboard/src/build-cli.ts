/** `pnpm --filter @airfill/dashboard build`: writes the dashboard's files to dist/ (the stacks upload them). */
import path from 'node:path';
import { buildDashboard } from './build';
import { dashboardConfigFile, writeDashboard } from './files';

async function main(): Promise<void> {
  const files = await buildDashboard();
  // The deployed page reads its config from the bucket; this default is the offline outline only.
  const [name, file] = dashboardConfigFile({ tileUrl: null, tileAttribution: '' });
  files.set(name, file);
  const outDir = path.join(__dirname, '../dist');
  const written = await writeDashboard(files, outDir);
  process.stdout.write(`@airfill/dashboard: ${written.length} files in ${outDir}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
