/**
 * Benchmark: write 100,000 imputations with the set-based writer
 * (`writeImputations`: arrays in, one INSERT ... SELECT ... ON CONFLICT) and
 * with the usual naive approach, a row-by-row UPDATE loop (one statement per
 * value, autocommit), on the same data in the same run. Prints both rates and
 * the ratio. Target: set-based at least 20x faster.
 *   pnpm bench:writeback [rows]
 */
import { openRun, writeImputations, type Database, type Imputation } from '@airfill/db';
import { benchDatabase, verdict } from './lib/bench-database';

const SENSORS = 100;

/** Fills a database with `rows` missing readings (and as many observed ones) and returns predictions for the missing ones. */
async function seed(database: Database, rows: number): Promise<Imputation[]> {
  const hours = Math.ceil(rows / SENSORS);
  await database.pool.query(`insert into sensors (device_id, latitude, longitude) select 'dev-' || g, 48 + g / 1000.0, 9 from generate_series(0, ${SENSORS - 1}) g`);
  await database.pool.query(
    `insert into readings (sensor_ref, parameter, ts, value, raw_value)
     select s.id, 'PM 2.5', '2024-01-01T00:00:00Z'::timestamptz + make_interval(hours => h),
            case when h % 2 = 0 then null else 10 end, case when h % 2 = 0 then '65535' else '10' end
       from sensors s, generate_series(0, ${hours * 2 - 1}) h`,
  );
  await database.pool.query('analyze readings');
  const { rows: missing } = await database.pool.query<{ device_id: string; ts: Date }>(
    `select s.device_id, r.ts from readings r join sensors s on s.id = r.sensor_ref where r.value is null order by r.ts, s.device_id limit ${rows}`,
  );
  return missing.map((row, index) => ({ deviceId: row.device_id, parameter: 'PM 2.5', ts: row.ts, value: 5 + (index % 50) }));
}

/** The naive writer: one UPDATE per value, each its own transaction. */
async function rowByRowUpdate(database: Database, imputations: Imputation[]): Promise<number> {
  let updated = 0;
  for (const imputation of imputations) {
    const result = await database.pool.query(
      `update readings set value = $1
        where sensor_ref = (select id from sensors where device_id = $2) and parameter = $3 and ts = $4 and value is null`,
      [imputation.value, imputation.deviceId, imputation.parameter, imputation.ts],
    );
    updated += result.rowCount ?? 0;
  }
  return updated;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const result = await work();
  return { result, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 100_000);
  const setBasedDb = await benchDatabase('writeback_set');
  const naiveDb = await benchDatabase('writeback_naive');
  try {
    const imputations = await seed(setBasedDb, rows);
    await seed(naiveDb, rows);
    const run = await openRun(setBasedDb, { trigger: 'bench', parameter: 'PM 2.5' });
    const setBased = await timed(() => writeImputations(setBasedDb, { runId: run.runId, modelVersion: 'bench', imputations }));
    const naive = await timed(() => rowByRowUpdate(naiveDb, imputations));
    const setRate = setBased.result.written / setBased.seconds;
    const naiveRate = naive.result / naive.seconds;
    const ratio = setRate / naiveRate;
    console.log(`imputations:           ${imputations.length.toLocaleString('en-US')}`);
    console.log(`set-based writer:      ${setBased.result.written.toLocaleString('en-US')} written in ${setBased.seconds.toFixed(2)} s = ${Math.round(setRate).toLocaleString('en-US')} rows/s`);
    console.log(`row-by-row UPDATE:     ${naive.result.toLocaleString('en-US')} updated in ${naive.seconds.toFixed(2)} s = ${Math.round(naiveRate).toLocaleString('en-US')} rows/s`);
    console.log(`ratio:                 ${ratio.toFixed(1)}x (target >= 20x)`);
    const repeat = await timed(() => writeImputations(setBasedDb, { runId: run.runId, modelVersion: 'bench', imputations }));
    console.log(`set-based, repeated:   ${repeat.result.written} written, ${repeat.result.alreadyImputed.toLocaleString('en-US')} already imputed in ${repeat.seconds.toFixed(2)} s (idempotent)`);
    verdict('set-based writer >= 20x the row-by-row UPDATE loop', ratio >= 20);
  } finally {
    await setBasedDb.dispose();
    await naiveDb.dispose();
  }
}

void main();
