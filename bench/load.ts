/**
 * Benchmark: load a generated 1,000,000-row CSV with the airfill loader.
 * Prints rows/s and the loader process's peak RSS.
 * Targets: at least 100,000 rows/s, under 400 MB peak RSS.
 *   pnpm bench:load [rows]
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadReadingsCsv } from '@airfill/ingest';
import { benchDatabase, verdict } from './lib/bench-database';
import { generateReadingsCsv } from './lib/generate-csv';

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The server process behind each pooled connection (the loader uses one of them). */
async function backendPids(database: { pool: { query: (sql: string) => Promise<{ rows: { pid: number }[] }> } }): Promise<number[]> {
  const { rows } = await database.pool.query(`select pid from pg_stat_activity where datname = current_database()`);
  return rows.map((row) => row.pid);
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const outDir = path.join(__dirname, '.out');
  mkdirSync(outDir, { recursive: true });
  const file = await generateReadingsCsv(path.join(outDir, `readings-${rows}.csv`), rows);
  const database = await benchDatabase('load');
  try {
    const rssBefore = process.memoryUsage().rss;
    const cpuBefore = process.cpuUsage();
    // Open the pool's connections first, so the load's backend is among them.
    await Promise.all(Array.from({ length: 4 }, () => database.pool.query('select 1')));
    const pids = await backendPids(database);
    const serverCpuBefore = pids.map((pid) => processCpuSeconds(pid) ?? 0);
    const summary = await loadReadingsCsv(database, file);
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpu = Math.max(...pids.map((pid, index) => (processCpuSeconds(pid) ?? 0) - serverCpuBefore[index]!));
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const rate = summary.rows / summary.seconds;
    console.log(`rows loaded:   ${summary.inserted.toLocaleString('en-US')} of ${summary.rows.toLocaleString('en-US')} (${summary.missing.toLocaleString('en-US')} missing, ${summary.rejected} rejected)`);
    console.log(`time:          ${summary.seconds.toFixed(2)} s (of which waiting for PostgreSQL: ${summary.databaseSeconds.toFixed(2)} s)`);
    console.log(`rate:          ${Math.round(rate).toLocaleString('en-US')} rows/s (target >= 100,000; ratio ${(rate / 100_000).toFixed(2)}x)`);
    console.log(`peak RSS:      ${peakRssMb.toFixed(0)} MB (process start ${(rssBefore / 2 ** 20).toFixed(0)} MB; target < 400 MB)`);
    // CPU time does not depend on what else the machine runs: with both sides
    // overlapped on two cores, the load takes about the larger of the two.
    const loaderCpu = (cpu.user + cpu.system) / 1e6;
    console.log(
      `CPU:           loader ${loaderCpu.toFixed(2)} s, PostgreSQL backend ${serverCpu.toFixed(2)} s ` +
        `(on an idle 2-core machine: about ${Math.round(summary.rows / Math.max(loaderCpu, serverCpu)).toLocaleString('en-US')} rows/s)`,
    );
    const again = await loadReadingsCsv(database, file);
    console.log(`reload:        ${again.inserted} new readings, ${again.unchanged.toLocaleString('en-US')} unchanged in ${again.seconds.toFixed(2)} s (idempotent)`);
    verdict('load rate >= 100,000 rows/s', rate >= 100_000);
    verdict('peak RSS < 400 MB', peakRssMb < 400);
  } finally {
    await database.dispose();
  }
}

void main();
