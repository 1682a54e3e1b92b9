import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { ensureReadingsPartitions, listReadingsPartitions, MIGRATIONS_FOLDER, openRun, PARTITIONS_AHEAD_MONTHS, runMigrations, writeImputations } from '../src';

/** A copy of the migrations folder holding only the first `count` migrations (the schema as it was then). */
function migrationsUpTo(count: number): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'airfill-migrations-'));
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalFile = path.join(folder, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: unknown[] };
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
}

/** Every reading as one sorted text, to compare a table before and after. */
async function fingerprint(database: TestDatabase): Promise<{ rows: number; digest: string }> {
  const { rows } = await database.pool.query<{ rows: string; digest: string }>(
    `select count(*) as rows, md5(string_agg(concat_ws('|', sensor_ref, parameter, ts, value, raw_value), ',' order by sensor_ref, parameter, ts)) as digest from readings`,
  );
  return { rows: Number(rows[0]!.rows), digest: rows[0]!.digest };
}

async function partitionIndexes(database: TestDatabase, partition: string): Promise<string[]> {
  const { rows } = await database.pool.query<{ indexdef: string }>('select indexdef from pg_indexes where tablename = $1 order by indexname', [partition]);
  return rows.map((row) => row.indexdef.replace(/ ON \S+ USING/, ' ON <partition> USING'));
}

describe('the migration to partitioned readings', () => {
  let database: TestDatabase;
  let oldMigrations: string;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    oldMigrations = migrationsUpTo(6);
    // drizzle's own migrator: runMigrations also creates partitions ahead, which the old schema cannot.
    await migrate(database.db, { migrationsFolder: oldMigrations });
    // Three months of two sensors, a missing value every fifth hour, a flag, and imputations of some missing values.
    await database.pool.query(`
      insert into sensors (device_id, latitude, longitude) values ('a', 1, 2), ('b', 3, 4);
      insert into readings (sensor_ref, parameter, ts, value, raw_value)
      select s.id, p, t, case when extract(hour from t)::int % 5 = 0 then null else extract(day from t) end,
             case when extract(hour from t)::int % 5 = 0 then '65535' else extract(day from t)::text end
        from sensors s, unnest(array['PM 2.5', 'NO2']) p,
             generate_series('2024-01-15T00:00:00Z'::timestamptz, '2024-03-10T23:00:00Z', interval '1 hour') t;
      insert into flags (sensor_ref, parameter, ts, "check", severity, detail)
      select sensor_ref, parameter, ts, 'range', 'invalid', 'test' from readings where value is null limit 3;`);
    const run = await openRun(database, { trigger: 'test', parameter: 'PM 2.5' });
    const { rows: missing } = await database.pool.query<{ device_id: string; ts: Date }>(
      `select s.device_id, r.ts from readings r join sensors s on s.id = r.sensor_ref where r.value is null and r.parameter = 'PM 2.5' order by r.ts limit 40`,
    );
    await writeImputations(database, { runId: run.runId, modelVersion: 'v1', imputations: missing.map((row) => ({ deviceId: row.device_id, parameter: 'PM 2.5', ts: row.ts, value: 7 })) });
  });
  afterAll(async () => {
    await database.drop();
    rmSync(oldMigrations, { recursive: true, force: true });
  });

  it('moves every existing reading into monthly partitions, unchanged, with the key and the missing-value index on each', async () => {
    const before = await fingerprint(database);
    expect(before.rows).toBe(2 * 2 * 56 * 24);

    await runMigrations(database);

    expect(await fingerprint(database)).toEqual(before);
    const { rows: kind } = await database.pool.query<{ relkind: string }>(`select relkind from pg_class where relname = 'readings'`);
    expect(kind[0]!.relkind).toBe('p');
    const partitions = await listReadingsPartitions(database);
    const names = partitions.map((partition) => partition.name);
    expect(names.slice(0, 3)).toEqual(['readings_2024_01', 'readings_2024_02', 'readings_2024_03']);
    const { rows: perPartition } = await database.pool.query<{ name: string; n: string }>(
      `select tableoid::regclass::text as name, count(*) as n from readings group by 1 order by 1`,
    );
    expect(perPartition.map((row) => [row.name, Number(row.n)])).toEqual([
      ['readings_2024_01', 4 * 17 * 24],
      ['readings_2024_02', 4 * 29 * 24],
      ['readings_2024_03', 4 * 10 * 24],
    ]);
    for (const name of names) {
      expect(await partitionIndexes(database, name)).toEqual([
        'CREATE INDEX ' + `${name}_parameter_ts_idx` + ' ON <partition> USING btree (parameter, ts) WHERE (value IS NULL)',
        'CREATE UNIQUE INDEX ' + `${name}_pkey` + ' ON <partition> USING btree (sensor_ref, parameter, ts)',
      ]);
    }
  });

  it('keeps imputations, flags and readings_filled working across partitions', async () => {
    const { rows } = await database.pool.query<{ imputed: string; flagged: string; months: string }>(
      `select count(*) filter (where is_imputed) as imputed, count(*) filter (where fill_reason = 'range') as flagged,
              count(distinct date_trunc('month', ts, 'UTC')) filter (where is_imputed) as months
         from readings_filled`,
    );
    expect(Number(rows[0]!.imputed)).toBe(40);
    expect(Number(rows[0]!.flagged)).toBe(3);
    // The 40 oldest missing PM 2.5 values all fall in January; the view still joins them.
    expect(Number(rows[0]!.months)).toBe(1);
  });

  it('lets the read-only role read the new table and the view', async () => {
    const { rows } = await database.pool.query<{ readings: boolean; filled: boolean; insert: boolean }>(
      `select has_table_privilege('airfill_readonly', 'readings', 'select') as readings,
              has_table_privilege('airfill_readonly', 'readings_filled', 'select') as filled,
              has_table_privilege('airfill_readonly', 'readings', 'insert') as insert`,
    );
    expect(rows[0]).toEqual({ readings: true, filled: true, insert: false });
  });
});

describe('ensureReadingsPartitions', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('has the migrate step create the current month and the next ones ahead', async () => {
    const now = new Date();
    const names = (await listReadingsPartitions(database)).map((partition) => partition.name);
    const expected = Array.from({ length: PARTITIONS_AHEAD_MONTHS + 1 }, (_, ahead) => {
      const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + ahead, 1));
      return `readings_${month.toISOString().slice(0, 7).replace('-', '_')}`;
    });
    expect(names).toEqual(expected);
  });

  it('refuses a reading of a month without a partition, and stores it once the month is ensured; ensuring again creates nothing', async () => {
    await database.pool.query(`insert into sensors (device_id, latitude, longitude) values ('x', 1, 2)`);
    const insert = () => database.pool.query(`insert into readings (sensor_ref, parameter, ts, value) select id, 'PM 2.5', '1999-12-31T23:30:00-01:00', 5 from sensors`);
    await expect(insert()).rejects.toThrow(/no partition of relation "readings" found for row/);

    // UTC months: 23:30 at -01:00 is 00:30 on 1 January 2000.
    expect(await ensureReadingsPartitions(database.pool, { from: new Date('2000-01-01T00:30:00Z'), to: new Date('2000-01-01T00:30:00Z') })).toBe(1);
    await insert();
    expect(await ensureReadingsPartitions(database.pool, { from: new Date('2000-01-01T00:30:00Z'), to: new Date('2000-01-01T00:30:00Z') })).toBe(0);
    const { rows } = await database.pool.query<{ name: string }>(`select tableoid::regclass::text as name from readings`);
    expect(rows).toEqual([{ name: 'readings_2000_01' }]);
  });

  it('creates each missing month of a range once when two sessions ask at the same time', async () => {
    const range = { from: new Date('2001-01-10T00:00:00Z'), to: new Date('2001-06-02T00:00:00Z') };
    const created = await Promise.all([ensureReadingsPartitions(database.pool, range), ensureReadingsPartitions(database.pool, range)]);
    expect(created.reduce((a, b) => a + b, 0)).toBe(6);
    const names = (await listReadingsPartitions(database)).map((partition) => partition.name).filter((name) => name.startsWith('readings_2001'));
    expect(names).toEqual(['readings_2001_01', 'readings_2001_02', 'readings_2001_03', 'readings_2001_04', 'readings_2001_05', 'readings_2001_06']);
  });

  it('creates a partition inside an open load without blocking readers or writers of other sessions', async () => {
    const loader = await database.pool.connect();
    const reader = new pg.Client(database.url);
    await reader.connect();
    try {
      await loader.query('begin');
      await loader.query(`insert into readings (sensor_ref, parameter, ts, value) select id, 'PM 2.5', '2000-01-02T00:00:00Z', 6 from sensors`);
      expect(await ensureReadingsPartitions(loader, { from: new Date('2002-03-01T00:00:00Z'), to: new Date('2002-03-01T00:00:00Z') })).toBe(1);
      await loader.query(`insert into readings (sensor_ref, parameter, ts, value) select id, 'PM 2.5', '2002-03-05T00:00:00Z', 7 from sensors`);
      // While the load is open: another session reads and writes readings without waiting on it.
      await reader.query(`set lock_timeout = '2s'`);
      const { rows } = await reader.query<{ n: string }>(`select count(*) as n from readings`);
      expect(Number(rows[0]!.n)).toBe(1);
      await reader.query(`insert into readings (sensor_ref, parameter, ts, value) select id, 'NO2', '2000-01-03T00:00:00Z', 1 from sensors`);
      await loader.query('rollback');
      // A rolled-back load takes its partition with it.
      expect((await listReadingsPartitions(database)).map((partition) => partition.name)).not.toContain('readings_2002_03');
    } finally {
      loader.release();
      await reader.end();
    }
  });
});
