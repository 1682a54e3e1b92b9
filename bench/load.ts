/**
 * Benchmark: load a generated 1,000,000-row CSV with the airfill loader.
 * Prints rows/s and the loader process's peak RSS.
 * Targets: at least 100,000 rows/s, under 400 MB peak RSS.
 *   pnpm bench:load [rows]
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadReadingsCsv } from '@airfill/ingest';
import { benchDatabase, verdict } from './lib/bench-database';
import { generateReadingsCsv } from './lib/generate-csv';

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const outDir = path.join(__dirname, '.out');
  mkdirSync(outDir, { recursive: true });
  const file = await generateReadingsCsv(path.join(outDir, `readings-${rows}.csv`), rows);
  const database = await benchDatabase('load');
  try {
    const rssBefore = process.memoryUsage().rss;
    const summary = await loadReadingsCsv(database, file);
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const rate = summary.rows / summary.seconds;
    console.log(`rows loaded:   ${summary.inserted.toLocaleString('en-US')} of ${summary.rows.toLocaleString('en-US')} (${summary.missing.toLocaleString('en-US')} missing, ${summary.rejected} rejected)`);
    console.log(`time:          ${summary.seconds.toFixed(2)} s (of which waiting for PostgreSQL: ${summary.databaseSeconds.toFixed(2)} s)`);
    console.log(`rate:          ${Math.round(rate).toLocaleString('en-US')} rows/s (target >= 100,000; ratio ${(rate / 100_000).toFixed(2)}x)`);
    console.log(`peak RSS:      ${peakRssMb.toFixed(0)} MB (process start ${(rssBefore / 2 ** 20).toFixed(0)} MB; target < 400 MB)`);
    const again = await loadReadingsCsv(database, file);
    console.log(`reload:        ${again.inserted} new readings, ${again.unchanged.toLocaleString('en-US')} unchanged in ${again.seconds.toFixed(2)} s (idempotent)`);
    verdict('load rate >= 100,000 rows/s', rate >= 100_000);
    verdict('peak RSS < 400 MB', peakRssMb < 400);
  } finally {
    await database.dispose();
  }
}

void main();
