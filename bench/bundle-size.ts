/**
 * Benchmark: build every pipeline Lambda with scripts/bundle-lambda.mjs and
 * print the size of each bundle (raw and gzipped), of its whole dist/ folder
 * (what Terraform uploads: bundle plus migrations or model), and the time a
 * cold Node process takes to load it. Target: each bundle under 1 MB.
 *   pnpm bench:bundle-size
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { verdict } from './lib/bench-database';

const ROOT = path.resolve(__dirname, '..');
const APPS = ['migrate', 'quality-check', 'query-missing', 'start-transform', 'transform-callback', 'write-predictions', 'record-failure', 'promote-model', 'api'];
const TARGET_BYTES = 1024 * 1024;

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (total, entry) => total + (entry.isDirectory() ? folderBytes(path.join(dir, entry.name)) : statSync(path.join(dir, entry.name)).size),
    0,
  );
}

/** Milliseconds a fresh node process needs to require the bundle (median of 3); the AWS SDK clients come from the workspace. */
function loadMs(bundle: string): number {
  const times = [0, 1, 2].map(() =>
    Number(
      execFileSync(process.execPath, ['-e', `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});console.log(Number(process.hrtime.bigint()-t)/1e6)`], {
        env: { ...process.env, NODE_PATH: path.join(ROOT, 'packages/pipeline/node_modules') },
        encoding: 'utf8',
      }).trim(),
    ),
  );
  return times.sort((a, b) => a - b)[1]!;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0).padStart(5)} KiB`;

function main(): void {
  console.log('app                  bundle      gzip     dist/    load    vs 1 MB');
  let allUnder = true;
  for (const app of APPS) {
    const dir = path.join(ROOT, 'apps', app);
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/bundle-lambda.mjs')], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    const bundle = path.join(dir, 'dist/index.js');
    const bytes = statSync(bundle).size;
    const gzip = gzipSync(readFileSync(bundle)).length;
    allUnder &&= bytes < TARGET_BYTES;
    console.log(
      `${app.padEnd(20)} ${kib(bytes)} ${kib(gzip)} ${kib(folderBytes(path.join(dir, 'dist')))} ${loadMs(bundle).toFixed(0).padStart(4)} ms   ${(bytes / TARGET_BYTES).toFixed(2)}x`,
    );
  }
  verdict('every bundle under 1 MB', allUnder);
}

main();
