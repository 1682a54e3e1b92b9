/**
 * Benchmark: the write-back against the database's own limit and the naive
 * loop, on the same imputations in the same run.
 *
 * Seeds identical databases (100 sensors, half of their hourly readings
 * missing) and writes predictions for 100,000 missing readings three ways,
 * each into a fresh database:
 *   - the writer (`writeImputations`: arrays in, one INSERT ... SELECT ...
 *     ON CONFLICT DO NOTHING with its checks and counts);
 *   - a raw COPY of the same imputations (sensor ids already resolved) into
 *     `imputations`, one transaction: the database's limit;
 *   - two row-by-row loops, each statement its own transaction, on the
 *     first `--loop-rows` (20,000 by default: a loop's rate per row does not
 *     depend on how many rows follow): the loop the target is set against
 *     (bench:writeback's since issue 9: one UPDATE per value, as the naive
 *     code writes it), and a careful one (one prepared INSERT per imputation
 *     with the writer's checks), to show where the database's own limit is.
 * Each runs `--repeat` times (default 2), alternating, as the machine is
 * shared: wall time, and CPU seconds of Node and of the PostgreSQL backends.
 * Then the writer again on the same batch (idempotent: writes nothing).
 * Target: the writer at least 100x the loop (the UPDATE one).
 *   pnpm bench:writeback [rows] [--repeat 2] [--loop-rows 20000]
 */
import { openRun, type Database, type Imputation, writeImputations } from '@airfill/db';
import { benchServer, verdict, type BenchDatabase } from './lib/bench-database';
import { describeCost, machineLoad, measure, type Cost } from './lib/cpu';
import { copyRows } from './lib/raw-copy';

const SENSORS = 100;
const TARGET_RATIO = 100;

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

const perSecond = (rows: number, seconds: number) => `${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`;

/** Fills a database with `rows` missing readings (and as many observed ones) and returns predictions for the missing ones. */
async function seed(database: Database, rows: number): Promise<Imputation[]> {
  const hours = Math.ceil(rows / SENSORS);
  await database.pool.query(`insert into sensors (device_id, latitude, longitude) select 'dev-' || g, 48 + g / 1000.0, 9 from generate_series(0, ${SENSORS - 1}) g`);
  await database.pool.query(`select ensure_readings_partitions('2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'::timestamptz + make_interval(hours => ${hours * 2}))`);
  await database.pool.query(
    `insert into readings (sensor_ref, parameter, ts, value, raw_value)
     select s.id, 'PM 2.5', '2024-01-01T00:00:00Z'::timestamptz + make_interval(hours => h),
            case when h % 2 = 0 then null else 10 end, case when h % 2 = 0 then '65535' else '10' end
       from sensors s, generate_series(0, ${hours * 2 - 1}) h`,
  );
  await database.pool.query('vacuum analyze readings');
  const { rows: missing } = await database.pool.query<{ device_id: string; ts: Date }>(
    `select s.device_id, r.ts from readings r join sensors s on s.id = r.sensor_ref where r.value is null order by r.ts, s.device_id limit ${rows}`,
  );
  return missing.map((row, index) => ({ deviceId: row.device_id, parameter: 'PM 2.5', ts: row.ts, value: 5 + (index % 50), lower: 1 + (index % 50), upper: 10 + (index % 50) }));
}

/** The same imputations in `imputations`' own columns, COPY text, sensor ids resolved: what a raw COPY sends. */
async function encodeForCopy(database: Database, imputations: readonly Imputation[], runId: string): Promise<Buffer[]> {
  const { rows } = await database.pool.query<{ id: number; device_id: string }>('select id, device_id from sensors');
  const ids = new Map(rows.map((row) => [row.device_id, row.id]));
  const text = imputations
    .map((row) => `${ids.get(row.deviceId)}\t${row.parameter}\t${row.ts.toISOString()}\t${row.value}\t${row.lower ?? '\\N'}\t${row.upper ?? '\\N'}\tbench\t${runId}\n`)
    .join('');
  return [Buffer.from(text)];
}

/** The loop the target is set against: one UPDATE per value, each its own transaction. */
async function updateLoop(database: Database, imputations: readonly Imputation[]): Promise<number> {
  let updated = 0;
  for (const row of imputations) {
    const result = await database.pool.query(
      `update readings set value = $1
        where sensor_ref = (select id from sensors where device_id = $2) and parameter = $3 and ts = $4 and value is null`,
      [row.value, row.deviceId, row.parameter, row.ts],
    );
    updated += result.rowCount ?? 0;
  }
  return updated;
}

/** A careful loop: one prepared INSERT per imputation with the writer's checks (known device, missing reading, not imputed yet), each its own transaction. */
async function preparedInsertLoop(database: Database, imputations: readonly Imputation[], runId: string): Promise<number> {
  let written = 0;
  for (const row of imputations) {
    const result = await database.pool.query({
      name: 'write-one-imputation',
      text: `insert into imputations (sensor_ref, parameter, ts, value, lower, upper, model_version, run_id)
       select r.sensor_ref, r.parameter, r.ts, $4, $5, $6, 'bench', $7
         from readings r join sensors s on s.id = r.sensor_ref
        where s.device_id = $1 and r.parameter = $2 and r.ts = $3 and r.value is null
       on conflict (sensor_ref, parameter, ts) do nothing`,
      values: [row.deviceId, row.parameter, row.ts, row.value, row.lower ?? null, row.upper ?? null, runId],
    });
    written += result.rowCount ?? 0;
  }
  return written;
}

const LOOPS = [
  { name: 'UPDATE loop', run: (database: Database, imputations: readonly Imputation[]) => updateLoop(database, imputations) },
  { name: 'prepared INSERT loop', run: preparedInsertLoop },
] as const;

async function main(): Promise<void> {
  const rows = Number(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 100_000);
  const repeat = argument('--repeat', 2);
  const loopRows = Math.min(rows, argument('--loop-rows', 20_000));
  const server = await benchServer();
  const databases: BenchDatabase[] = [];
  /** A fresh seeded database with an open run, and its imputations. */
  const fresh = async (name: string) => {
    const database = await server.database(`${name}${databases.length}`);
    databases.push(database);
    const imputations = await seed(database, rows);
    const run = await openRun(database, { trigger: 'bench', parameter: 'PM 2.5' });
    return { database, imputations, runId: run.runId };
  };
  try {
    console.log(`${rows.toLocaleString('en-US')} imputations; the loop on the first ${loopRows.toLocaleString('en-US')} (${machineLoad()} at the start)\n`);
    const writers: Cost[] = [];
    const raws: Cost[] = [];
    const loops: Cost[][] = LOOPS.map(() => []);
    let writerTarget: Awaited<ReturnType<typeof fresh>> | undefined;
    for (let round = 0; round < repeat; round += 1) {
      const target = await fresh('writer');
      writerTarget ??= target;
      const written = await measure(target.database, () => writeImputations(target.database, { runId: target.runId, modelVersion: 'bench', imputations: target.imputations }));
      if (written.result.written !== rows) throw new Error(`the writer stored ${written.result.written} of ${rows}`);
      writers.push(written.cost);
      console.log(`writer   #${round + 1}: ${describeCost(written.cost)}: ${perSecond(rows, written.cost.seconds)}`);

      const copyTarget = await fresh('raw');
      const encoded = await encodeForCopy(copyTarget.database, copyTarget.imputations, copyTarget.runId);
      const raw = await measure(copyTarget.database, () => copyRows(copyTarget.database, 'imputations (sensor_ref, parameter, ts, value, lower, upper, model_version, run_id)', encoded));
      raws.push(raw.cost);
      console.log(`raw COPY #${round + 1}: ${describeCost(raw.cost)}: ${perSecond(rows, raw.cost.seconds)}`);

      for (const [index, loop] of LOOPS.entries()) {
        const loopTarget = await fresh(`loop${index}`);
        const looped = await measure(loopTarget.database, () => loop.run(loopTarget.database, loopTarget.imputations.slice(0, loopRows), loopTarget.runId));
        if (looped.result !== loopRows) throw new Error(`the ${loop.name} stored ${looped.result} of ${loopRows}`);
        loops[index]!.push(looped.cost);
        console.log(`${loop.name} #${round + 1}: ${describeCost(looped.cost)} for ${loopRows.toLocaleString('en-US')}: ${perSecond(loopRows, looped.cost.seconds)}`);
      }
      // A round's databases go once measured (all but the first writer's, kept for the repeat below).
      for (const database of databases.splice(0)) {
        if (database === writerTarget.database) databases.push(database);
        else await database.dispose();
      }
    }
    const best = (costs: Cost[]) => costs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const writerRate = rows / best(writers).seconds;
    const rawRate = rows / best(raws).seconds;
    const [updateRate, preparedRate] = loops.map((costs) => loopRows / best(costs).seconds) as [number, number];
    const cpuPerRow = (costs: Cost[], count: number) => Math.min(...costs.map((cost) => cost.nodeCpu + cost.serverCpu)) / count;
    console.log(`\nbest of ${repeat} (${machineLoad()} now):`);
    console.log(`  writer                ${perSecond(rows, best(writers).seconds)}: ${(writerRate / rawRate).toFixed(2)} of raw COPY; ${(writerRate / updateRate).toFixed(0)}x the UPDATE loop, ${(writerRate / preparedRate).toFixed(0)}x the prepared INSERT loop`);
    console.log(`  raw COPY              ${perSecond(rows, best(raws).seconds)}: ${(rawRate / updateRate).toFixed(0)}x the UPDATE loop, ${(rawRate / preparedRate).toFixed(0)}x the prepared INSERT loop`);
    console.log(`  UPDATE loop           ${perSecond(loopRows, best(loops[0]!).seconds)}`);
    console.log(`  prepared INSERT loop  ${perSecond(loopRows, best(loops[1]!).seconds)}`);
    console.log(
      `CPU per 100k (Node + PostgreSQL): writer ${(1e5 * cpuPerRow(writers, rows)).toFixed(2)} s, raw COPY ${(1e5 * cpuPerRow(raws, rows)).toFixed(2)} s, ` +
        `UPDATE loop ${(1e5 * cpuPerRow(loops[0]!, loopRows)).toFixed(2)} s, prepared INSERT loop ${(1e5 * cpuPerRow(loops[1]!, loopRows)).toFixed(2)} s`,
    );
    const target = writerTarget!;
    const again = await measure(target.database, () => writeImputations(target.database, { runId: target.runId, modelVersion: 'bench', imputations: target.imputations }));
    console.log(`repeated:  ${again.result.written} written, ${again.result.alreadyImputed.toLocaleString('en-US')} already imputed in ${describeCost(again.cost)} (idempotent)\n`);
    verdict(`writer >= ${TARGET_RATIO}x the UPDATE loop (${(writerRate / updateRate).toFixed(0)}x)`, writerRate / updateRate >= TARGET_RATIO);
    verdict('a repeated write stores nothing', again.result.written === 0);
  } finally {
    for (const database of databases) await database.dispose();
    await server.stop();
  }
}

void main();
