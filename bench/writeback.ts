/**
 * Benchmark: the write-back against the database's own limit and the naive
 * loop, on the same imputations in the same run.
 *
 * Seeds identical databases (100 sensors, half of their hourly readings
 * missing) and writes predictions for the missing readings (100,000 and
 * 1,000,000 by default) three ways, each into a fresh database:
 *   - the writer (`writeImputations`: devices resolved once, rows cut by
 *     device into k parallel transactions, each checking its readings and
 *     COPYing the rest in binary), at k = 1, 2 and 4 (`--transactions`);
 *   - a raw COPY of the same imputations (text, sensor ids already resolved,
 *     encoded before the clock starts) into `imputations`, one transaction:
 *     the database's limit;
 *   - two row-by-row loops, each statement its own transaction, on
 *     `--loop-rows` rows (20,000 by default: a loop's rate per row does not
 *     depend on how many rows follow, so one measure serves every size): the
 *     loop the target is set against (one UPDATE per value, as the naive code
 *     writes it), and a careful one (one prepared INSERT per imputation with
 *     the writer's checks), to show where the database's own limit is.
 * Each runs `--repeat` times (default 2), alternating, as the machine is
 * shared: wall time, and CPU seconds of Node and of the PostgreSQL backends;
 * the table takes the best of each. Then the writer again on the same batch
 * (idempotent: writes nothing).
 * Target: the writer at least 100x the loop (the UPDATE one).
 *   pnpm bench:writeback [rows,rows] [--repeat 2] [--loop-rows 20000] [--transactions 1,2,4]
 */
import { openRun, type Database, type Imputation, writeImputations } from '@airfill/db';
import { benchServer, verdict, type BenchDatabase } from './lib/bench-database';
import { describeCost, machineLoad, measure, type Cost } from './lib/cpu';
import { copyRows } from './lib/raw-copy';

const SENSORS = 100;
const TARGET_RATIO = 100;

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : process.argv[at + 1]!;
}

const numbers = (text: string) => text.split(',').map((part) => Number(part.replace(/_/g, '')));

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

const best = (costs: readonly Cost[]) => costs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const cpuPer100k = (costs: readonly Cost[], rows: number) => (1e5 * Math.min(...costs.map((cost) => cost.nodeCpu + cost.serverCpu))) / rows;
const cell = (text: string, width: number) => text.padStart(width);
/** The slowest and fastest rate of the repeats, in thousands of rows/s: the spread on a shared machine. */
const range = (rows: number, costs: readonly Cost[]) => {
  const rates = costs.map((cost) => rows / cost.seconds / 1000);
  return `${Math.min(...rates).toFixed(0)}k-${Math.max(...rates).toFixed(0)}k`;
};

async function main(): Promise<void> {
  const sizes = numbers(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : '100000,1000000');
  const repeat = Number(argument('--repeat', '2'));
  const loopRows = Number(argument('--loop-rows', '20000'));
  const transactions = numbers(argument('--transactions', '1,2,4'));
  const server = await benchServer();
  const databases: BenchDatabase[] = [];
  /** A fresh seeded database with an open run, and its imputations. */
  const fresh = async (name: string, rows: number) => {
    const database = await server.database(`${name}${databases.length}`);
    databases.push(database);
    const imputations = await seed(database, rows);
    const run = await openRun(database, { trigger: 'bench', parameter: 'PM 2.5' });
    return { database, imputations, runId: run.runId };
  };
  const dropAll = async () => {
    for (const database of databases.splice(0)) await database.dispose();
  };
  try {
    console.log(`${sizes.map((rows) => rows.toLocaleString('en-US')).join(' and ')} imputations; the writer at ${transactions.join(', ')} transactions; the loops on ${loopRows.toLocaleString('en-US')} (${machineLoad()} at the start)\n`);
    const writers = new Map<string, Cost[]>();
    const raws = new Map<number, Cost[]>();
    const loops: Cost[][] = LOOPS.map(() => []);
    for (let round = 1; round <= repeat; round += 1) {
      for (const rows of sizes) {
        for (const k of transactions) {
          const target = await fresh('writer', rows);
          const written = await measure(target.database, () =>
            writeImputations(target.database, { runId: target.runId, modelVersion: 'bench', imputations: target.imputations }, { transactions: k }),
          );
          if (written.result.written !== rows) throw new Error(`the writer stored ${written.result.written} of ${rows}`);
          writers.set(`${rows}/${k}`, [...(writers.get(`${rows}/${k}`) ?? []), written.cost]);
          console.log(`${rows.toLocaleString('en-US')} writer k=${k} #${round}: ${describeCost(written.cost)}: ${perSecond(rows, written.cost.seconds)}`);
          if (round === 1 && rows === sizes[0] && k === transactions[0]) {
            const again = await measure(target.database, () => writeImputations(target.database, { runId: target.runId, modelVersion: 'bench', imputations: target.imputations }));
            console.log(`  written again: ${again.result.written} written, ${again.result.alreadyImputed.toLocaleString('en-US')} already imputed in ${describeCost(again.cost)}`);
            verdict('a repeated write stores nothing', again.result.written === 0 && again.result.alreadyImputed === rows);
          }
          await dropAll();
        }
        const copyTarget = await fresh('raw', rows);
        const encoded = await encodeForCopy(copyTarget.database, copyTarget.imputations, copyTarget.runId);
        const raw = await measure(copyTarget.database, () => copyRows(copyTarget.database, 'imputations (sensor_ref, parameter, ts, value, lower, upper, model_version, run_id)', encoded));
        raws.set(rows, [...(raws.get(rows) ?? []), raw.cost]);
        console.log(`${rows.toLocaleString('en-US')} raw COPY #${round}: ${describeCost(raw.cost)}: ${perSecond(rows, raw.cost.seconds)}`);
        await dropAll();
      }
      for (const [index, loop] of LOOPS.entries()) {
        const loopTarget = await fresh(`loop${index}`, loopRows);
        const looped = await measure(loopTarget.database, () => loop.run(loopTarget.database, loopTarget.imputations, loopTarget.runId));
        if (looped.result !== loopRows) throw new Error(`the ${loop.name} stored ${looped.result} of ${loopRows}`);
        loops[index]!.push(looped.cost);
        console.log(`${loop.name} #${round}: ${describeCost(looped.cost)} for ${loopRows.toLocaleString('en-US')}: ${perSecond(loopRows, looped.cost.seconds)}`);
        await dropAll();
      }
    }
    const updateRate = loopRows / best(loops[0]!).seconds;
    const preparedRate = loopRows / best(loops[1]!).seconds;
    console.log(`\nbest of ${repeat} (${machineLoad()} now; a range is the slowest and fastest repeat); the loops: UPDATE ${perSecond(loopRows, best(loops[0]!).seconds)}, prepared INSERT ${perSecond(loopRows, best(loops[1]!).seconds)}`);
    const widths = [10, 3, 15, 15, 13, 12, 12, 22, 13, 13];
    const line = (cells: string[]) => console.log(cells.map((text, index) => cell(text, widths[index]!)).join('  '));
    line(['rows', 'k', 'writer rows/s', 'COPY rows/s', 'loop rows/s', 'writer/loop', 'writer/COPY', 'CPU/100k writer, COPY', 'writer range', 'COPY range']);
    for (const rows of sizes) {
      const rawRate = rows / best(raws.get(rows)!).seconds;
      for (const k of transactions) {
        const costs = writers.get(`${rows}/${k}`)!;
        const writerRate = rows / best(costs).seconds;
        line([
          rows.toLocaleString('en-US'),
          String(k),
          Math.round(writerRate).toLocaleString('en-US'),
          Math.round(rawRate).toLocaleString('en-US'),
          Math.round(updateRate).toLocaleString('en-US'),
          `${(writerRate / updateRate).toFixed(0)}x`,
          (writerRate / rawRate).toFixed(2),
          `${cpuPer100k(costs, rows).toFixed(2)} s, ${cpuPer100k(raws.get(rows)!, rows).toFixed(2)} s`,
          range(rows, costs),
          range(rows, raws.get(rows)!),
        ]);
      }
    }
    const firstRawRate = sizes[0]! / best(raws.get(sizes[0]!)!).seconds;
    console.log(
      `raw COPY is ${(firstRawRate / updateRate).toFixed(0)}x the UPDATE loop and ${(firstRawRate / preparedRate).toFixed(0)}x the prepared INSERT loop at ${sizes[0]!.toLocaleString('en-US')} rows; ` +
        `CPU per 100k: UPDATE loop ${cpuPer100k(loops[0]!, loopRows).toFixed(2)} s, prepared INSERT loop ${cpuPer100k(loops[1]!, loopRows).toFixed(2)} s\n`,
    );
    for (const rows of sizes) {
      const bestK = transactions.reduce((a, b) => (best(writers.get(`${rows}/${b}`)!).seconds < best(writers.get(`${rows}/${a}`)!).seconds ? b : a));
      const ratio = rows / best(writers.get(`${rows}/${bestK}`)!).seconds / updateRate;
      verdict(`${rows.toLocaleString('en-US')} rows: writer >= ${TARGET_RATIO}x the UPDATE loop (${ratio.toFixed(0)}x, best at k=${bestK})`, ratio >= TARGET_RATIO);
    }
  } finally {
    await dropAll();
    await server.stop();
  }
}

void main();
