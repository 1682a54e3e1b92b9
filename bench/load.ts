/**
 * Benchmark: the loader against the database's own limit, in the same run.
 *
 * Loads a generated CSV (1,000,000 rows by default) with the airfill loader,
 * then copies the same clean rows (as the loader stored them) with a plain
 * COPY into `readings` of a fresh database: same partitions, key and partial
 * index, PostgreSQL's durable defaults, the same batch size, one
 * transaction. Each side runs `--repeat` times (default 2), alternating, as
 * the machine is shared: wall time, and CPU seconds of Node and of the
 * PostgreSQL backend, which do not depend on the machine's load. Then a
 * reload of the file (idempotent). Targets: the loader at least 0.7 of raw
 * COPY's rate; peak RSS under 400 MB.
 *   pnpm bench:load [rows] [--repeat 2]
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ensureReadingsPartitions } from '@airfill/db';
import { loadReadingsCsv, type LoadSummary } from '@airfill/ingest';
import { benchServer, verdict, type BenchDatabase } from './lib/bench-database';
import { describeCost, machineLoad, measure, type Cost } from './lib/cpu';
import { generateReadingsCsv } from './lib/generate-csv';
import { copyRows, dumpRows } from './lib/raw-copy';

const BATCH_ROWS = 20_000;
const TARGET_RATIO = 0.7;

const perSecond = (rows: number, seconds: number) => `${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`;
/** What two cores could do with this CPU: the two sides overlap, so the busier one sets the pace. */
const cpuBound = (cost: Cost) => Math.max(cost.nodeCpu, cost.serverCpu);

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 1_000_000);
  const repeat = argument('--repeat', 2);
  const outDir = path.join(__dirname, '.out');
  mkdirSync(outDir, { recursive: true });
  const file = await generateReadingsCsv(path.join(outDir, `readings-${rows}.csv`), rows);
  const server = await benchServer();
  const databases: BenchDatabase[] = [];
  const fresh = async (name: string) => {
    const database = await server.database(`${name}${databases.length}`);
    databases.push(database);
    return database;
  };
  try {
    console.log(`${rows.toLocaleString('en-US')} rows (${machineLoad()} at the start)\n`);
    const loads: { summary: LoadSummary; cost: Cost }[] = [];
    const raws: Cost[] = [];
    let clean: Buffer[] = [];
    for (let round = 0; round < repeat; round += 1) {
      const target = await fresh('load');
      const load = await measure(target, () => loadReadingsCsv(target, file, { batchSize: BATCH_ROWS }));
      loads.push({ summary: load.result, cost: load.cost });
      console.log(`loader   #${round + 1}: ${describeCost(load.cost)}: ${perSecond(rows, load.cost.seconds)}; batches direct ${load.result.batches.direct}, staged ${load.result.batches.staged}`);
      if (clean.length === 0) clean = await dumpRows(target, 'select sensor_ref, parameter, ts, value, raw_value from readings order by ts, sensor_ref, parameter', BATCH_ROWS);
      const { rows: span } = await target.pool.query<{ from: Date; to: Date }>('select min(ts) as from, max(ts) as to from readings');

      // The same months as the loader's, created before timing (the loader creates its own as it goes).
      const copyTarget = await fresh('raw');
      await ensureReadingsPartitions(copyTarget.pool, span[0]!);
      const raw = await measure(copyTarget, () => copyRows(copyTarget, 'readings (sensor_ref, parameter, ts, value, raw_value)', clean));
      raws.push(raw.cost);
      console.log(`raw COPY #${round + 1}: ${describeCost(raw.cost)}: ${perSecond(rows, raw.cost.seconds)}`);
    }
    const first = loads[0]!.summary;
    const bestLoad = loads.reduce((best, load) => (load.cost.seconds < best.cost.seconds ? load : best)).cost;
    const bestRaw = raws.reduce((best, raw) => (raw.seconds < best.seconds ? raw : best));
    const minLoadCpu = Math.min(...loads.map((load) => cpuBound(load.cost)));
    const minRawCpu = Math.min(...raws.map(cpuBound));
    const wallRatio = bestRaw.seconds / bestLoad.seconds;
    const cpuRatio = minRawCpu / minLoadCpu;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;

    console.log(`\nrows loaded:    ${first.inserted.toLocaleString('en-US')} of ${first.rows.toLocaleString('en-US')} (${first.missing.toLocaleString('en-US')} missing, ${first.rejected} rejected)`);
    console.log(`wall time:      loader ${perSecond(rows, bestLoad.seconds)}, raw COPY ${perSecond(rows, bestRaw.seconds)} (best of ${repeat}): ratio ${wallRatio.toFixed(2)} (${machineLoad()} now)`);
    console.log(
      `CPU per 1M:     loader Node ${((1e6 * Math.min(...loads.map((l) => l.cost.nodeCpu))) / rows).toFixed(2)} s, PostgreSQL ${((1e6 * Math.min(...loads.map((l) => l.cost.serverCpu))) / rows).toFixed(2)} s; ` +
        `raw COPY PostgreSQL ${((1e6 * Math.min(...raws.map((r) => r.serverCpu))) / rows).toFixed(2)} s`,
    );
    console.log(`on idle cores:  loader ${perSecond(rows, minLoadCpu)}, raw COPY ${perSecond(rows, minRawCpu)} (rows / the busier side's CPU seconds): ratio ${cpuRatio.toFixed(2)}`);
    console.log(`peak RSS:       ${peakRssMb.toFixed(0)} MB (this process, which also holds the clean rows for the raw COPY; target < 400 MB)`);

    const reloadTarget = databases[0]!;
    const again = await measure(reloadTarget, () => loadReadingsCsv(reloadTarget, file, { batchSize: BATCH_ROWS }));
    console.log(`reload:         ${again.result.inserted} new readings, ${again.result.unchanged.toLocaleString('en-US')} unchanged in ${describeCost(again.cost)} (idempotent)\n`);
    verdict(`loader >= ${TARGET_RATIO} of raw COPY (wall ${wallRatio.toFixed(2)}, CPU ${cpuRatio.toFixed(2)})`, wallRatio >= TARGET_RATIO);
    verdict('peak RSS < 400 MB', peakRssMb < 400);
  } finally {
    for (const database of databases) await database.dispose();
    await server.stop();
  }
}

void main();
