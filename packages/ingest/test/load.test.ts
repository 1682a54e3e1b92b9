import { listReadingsPartitions, readStatus } from '@airfill/db';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { CsvFormatError, loadReadingsCsv, type RejectedRow } from '../src';
import { csvFile, HEADER, row } from './support/files';

let database: TestDatabase;

beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(() => database.drop());

/** A small file in the anchor format: columns shuffled, offsets, 65535 sentinel. */
function anchorFile(): string {
  const header = 'device_id,parameter,value,timestamp,latitude,longitude,location,sensor_id,sensor_type';
  const rows: string[] = [];
  for (const device of ['dev-a', 'dev-b', 'dev-c']) {
    for (let hour = 0; hour < 4; hour += 1) {
      for (const parameter of ['PM 2.5', 'PM 10']) {
        const missing = (device === 'dev-a' && hour === 1) || (device === 'dev-b' && parameter === 'PM 10' && hour >= 2);
        const value = missing ? '65535' : String(10 + hour);
        rows.push(`${device},${parameter},${value},2023-07-15 0${hour}:22:31.456 +0200,48.7${hour},9.1,"Platz, ${device}",${device}-${parameter},SDS011`);
      }
    }
  }
  return csvFile(`${header}\n${rows.join('\n')}\n`);
}

describe('loadReadingsCsv', () => {
  it('loads the anchor format with exact counts, and loading it twice changes nothing', async () => {
    const file = anchorFile();
    const first = await loadReadingsCsv(database, file);
    expect(first).toMatchObject({ rows: 24, valid: 24, missing: 4, inserted: 24, unchanged: 0, rejected: 0, sensors: 3, parameters: ['PM 10', 'PM 2.5'] });
    const expected = {
      sensors: 3,
      readings: 24,
      missing: 4,
      imputed: 0,
      unfilled: 4,
      parameters: {
        'PM 10': { readings: 12, missing: 3, imputed: 0, unfilled: 3 },
        'PM 2.5': { readings: 12, missing: 1, imputed: 0, unfilled: 1 },
      },
    };
    expect(await readStatus(database)).toEqual(expected);
    const snapshot = await database.pool.query('select * from readings order by sensor_ref, parameter, ts');

    const second = await loadReadingsCsv(database, file);
    expect(second).toMatchObject({ rows: 24, inserted: 0, unchanged: 24, rejected: 0 });
    expect(await readStatus(database)).toEqual(expected);
    expect((await database.pool.query('select * from readings order by sensor_ref, parameter, ts')).rows).toEqual(snapshot.rows);
  });

  it('keeps the raw text of a missing value and stores the instant', async () => {
    await loadReadingsCsv(database, anchorFile());
    const { rows } = await database.pool.query(
      `select r.value, r.raw_value, r.ts from readings r join sensors s on s.id = r.sensor_ref
        where s.device_id = 'dev-a' and r.parameter = 'PM 2.5' and r.value is null`,
    );
    expect(rows).toEqual([{ value: null, raw_value: '65535', ts: new Date('2023-07-14T23:22:31.456Z') }]);
  });

  it('stores sensor metadata and the sensor id per parameter', async () => {
    await loadReadingsCsv(database, anchorFile());
    const { rows } = await database.pool.query(
      `select s.device_id, s.location, c.parameter, c.sensor_id from sensors s join sensor_channels c on c.sensor_ref = s.id
        where s.device_id = 'dev-b' order by c.parameter`,
    );
    expect(rows).toEqual([
      { device_id: 'dev-b', location: 'Platz, dev-b', parameter: 'PM 10', sensor_id: 'dev-b-PM 10' },
      { device_id: 'dev-b', location: 'Platz, dev-b', parameter: 'PM 2.5', sensor_id: 'dev-b-PM 2.5' },
    ]);
  });

  it('loads every valid row of a file with bad rows and reports each bad one', async () => {
    const body = [row(), row({ timestamp: '2023-07-15 10:00' }), row({ device_id: 'dev-2' }), row({ latitude: '-95' })].join('\n');
    const rejects: RejectedRow[] = [];
    const summary = await loadReadingsCsv(database, csvFile(`${HEADER}\n${body}\n`), { onReject: (reject) => void rejects.push(reject) });
    expect(summary).toMatchObject({ rows: 4, valid: 2, inserted: 2, rejected: 2 });
    expect(rejects.map((reject) => [reject.line, reject.column])).toEqual([
      [3, 'timestamp'],
      [5, 'latitude'],
    ]);
    expect((await readStatus(database)).readings).toBe(2);
  });

  it('stores a repeated row once, without calling it a reject', async () => {
    const summary = await loadReadingsCsv(database, csvFile(`${HEADER}\n${row()}\n${row()}\n`));
    expect(summary).toMatchObject({ rows: 2, inserted: 1, unchanged: 1, rejected: 0 });
  });

  it('rejects a second row for the same reading with a different value; the first one stays', async () => {
    const rejects: RejectedRow[] = [];
    const summary = await loadReadingsCsv(database, csvFile(`${HEADER}\n${row({ value: '1' })}\n${row({ value: '2' })}\n`), {
      onReject: (reject) => void rejects.push(reject),
    });
    expect(summary).toMatchObject({ inserted: 1, rejected: 1 });
    expect(rejects[0]).toMatchObject({ line: 3, column: 'value', reason: expect.stringMatching(/already stored with value "1"/) });
    expect((await database.pool.query('select value from readings')).rows).toEqual([{ value: 1 }]);
  });

  it('detects conflicting duplicates across batches and across loads', async () => {
    const rejects: RejectedRow[] = [];
    const onReject = (reject: RejectedRow) => void rejects.push(reject);
    const rows = [row({ value: '1' }), row({ device_id: 'x' }), row({ device_id: 'y' }), row({ value: '5' })];
    await loadReadingsCsv(database, csvFile(`${HEADER}\n${rows.join('\n')}\n`), { batchSize: 2, onReject });
    expect(rejects.map((reject) => reject.line)).toEqual([5]);
    const reload = await loadReadingsCsv(database, csvFile(`${HEADER}\n${row({ value: '7' })}\n`), { onReject });
    expect(reload).toMatchObject({ inserted: 0, rejected: 1 });
    expect((await database.pool.query(`select value from readings r join sensors s on s.id = r.sensor_ref where s.device_id = 'dev-1'`)).rows).toEqual([{ value: 1 }]);
  });

  it.each([
    ['a stored missing reading now has a value', '', '5'],
    ['a stored value is now missing', '5', ''],
  ])('rejects a reload where %s, keeping what is stored', async (_case, stored, reloaded) => {
    await loadReadingsCsv(database, csvFile(`${HEADER}\n${row({ value: stored })}\n`));
    const rejects: RejectedRow[] = [];
    const reload = await loadReadingsCsv(database, csvFile(`${HEADER}\n${row({ value: reloaded })}\n`), { onReject: (reject) => void rejects.push(reject) });
    expect(reload).toMatchObject({ inserted: 0, unchanged: 0, reinterpreted: 0, rejected: 1 });
    expect(rejects[0]).toMatchObject({ line: 2, column: 'value', reason: expect.stringMatching(new RegExp(`already stored with value "${stored}"; this row's value "${reloaded}" was not loaded`)) });
    expect((await database.pool.query('select value, raw_value from readings')).rows).toEqual([{ value: stored === '' ? null : Number(stored), raw_value: stored }]);
  });

  it('stores a value out of range with its raw text, treated as missing, with an invalid flag beside it', async () => {
    const body = [row({ value: '-999' }), row({ value: '1e308', device_id: 'dev-2' }), row({ value: '12', device_id: 'dev-3' })].join('\n');
    const summary = await loadReadingsCsv(database, csvFile(`${HEADER}\n${body}\n`));
    expect(summary).toMatchObject({ rows: 3, inserted: 3, rejected: 0, missing: 2, invalid: 2, sentinels: 0 });
    expect(summary.untrusted.map((channel) => [channel.deviceId, channel.invalid, channel.example.raw])).toEqual([
      ['dev-1', 1, '-999'],
      ['dev-2', 1, '1e308'],
    ]);
    const { rows } = await database.pool.query(
      `select s.device_id, r.value, r.raw_value, f."check", f.severity, f.detail
         from readings r join sensors s on s.id = r.sensor_ref
         left join flags f on f.sensor_ref = r.sensor_ref and f.parameter = r.parameter and f.ts = r.ts
        order by s.device_id`,
    );
    expect(rows).toEqual([
      { device_id: 'dev-1', value: null, raw_value: '-999', check: 'range', severity: 'invalid', detail: '-999 is outside the plausible range of PM 2.5, 0 to 2000 (default)' },
      { device_id: 'dev-2', value: null, raw_value: '1e308', check: 'range', severity: 'invalid', detail: '1e+308 is outside the plausible range of PM 2.5, 0 to 2000 (default)' },
      { device_id: 'dev-3', value: 12, raw_value: '12', check: null, severity: null, detail: null },
    ]);
    // Loading it again changes nothing: the same flags, no duplicates.
    expect(await loadReadingsCsv(database, csvFile(`${HEADER}\n${body}\n`))).toMatchObject({ inserted: 0, unchanged: 3, rejected: 0 });
    expect(Number((await database.pool.query('select count(*) as n from flags')).rows[0].n)).toBe(2);
  });

  it('reads a configured device sentinel as missing, without a flag', async () => {
    const summary = await loadReadingsCsv(database, csvFile(`${HEADER}\n${row({ value: '-1' })}\n`), { plausibility: { devices: { 'dev-1': { sentinels: [-1] } } } });
    expect(summary).toMatchObject({ missing: 1, invalid: 0, sentinels: 1 });
    expect((await database.pool.query('select value, raw_value from readings')).rows).toEqual([{ value: null, raw_value: '-1' }]);
    expect(Number((await database.pool.query('select count(*) as n from flags')).rows[0].n)).toBe(0);
  });

  it('on a reload with a sentinel, stops trusting stored values of the same raw text; a cleared flag keeps the user\'s word', async () => {
    const plain = `${HEADER}\n${[row({ value: '-999', parameter: 'pressure' }), row({ value: '-999', parameter: 'pressure', device_id: 'dev-2' })].join('\n')}\n`;
    await loadReadingsCsv(database, csvFile(plain));
    expect((await database.pool.query('select value from readings order by sensor_ref')).rows).toEqual([{ value: -999 }, { value: -999 }]);
    // The user had looked at dev-2's value and trusted it: a cleared range flag says so.
    await database.pool.query(
      `insert into flags (sensor_ref, parameter, ts, "check", severity, detail, cleared_at, cleared_reason)
       select sensor_ref, parameter, ts, 'range', 'invalid', 'old', now(), 'checked by hand' from readings r join sensors s on s.id = r.sensor_ref where s.device_id = 'dev-2'`,
    );
    const reload = await loadReadingsCsv(database, csvFile(plain), { plausibility: { ranges: { pressure: { min: 800, max: 1100 } } } });
    expect(reload).toMatchObject({ inserted: 0, rejected: 0, reinterpreted: 1, unchanged: 1, invalid: 2 });
    expect((await database.pool.query('select s.device_id, r.value from readings r join sensors s on s.id = r.sensor_ref order by 1')).rows).toEqual([
      { device_id: 'dev-1', value: null },
      { device_id: 'dev-2', value: -999 },
    ]);
    const withSentinel = await loadReadingsCsv(database, csvFile(plain), { sentinel: -999 });
    expect(withSentinel).toMatchObject({ rejected: 0, reinterpreted: 1 });
    expect((await database.pool.query('select value from readings order by sensor_ref')).rows).toEqual([{ value: null }, { value: null }]);
  });

  it('rejects a line past the limit with an excerpt (the rejects file stays small) and loads the rest', async () => {
    const huge = row({ location: 'z'.repeat(200_000) });
    const rejects: RejectedRow[] = [];
    const summary = await loadReadingsCsv(database, csvFile(`${HEADER}\n${huge}\n${row({ device_id: 'dev-2' })}\n`), { onReject: (reject) => void rejects.push(reject) });
    expect(summary).toMatchObject({ rows: 2, inserted: 1, rejected: 1 });
    expect(rejects).toEqual([
      { kind: 'reject', line: 2, column: '', reason: 'line is longer than 65,536 characters (the limit; raise it with --max-line-length)', row: expect.stringMatching(/^2023-07-15 09:22:31\.456 \+0200,12\.5,.{150,}…$/) },
    ]);
    expect(rejects[0]!.row.length).toBeLessThanOrEqual(201);
  });

  it('loads nothing when the file is unusable', async () => {
    await expect(loadReadingsCsv(database, csvFile('device,when\nx,y\n'))).rejects.toThrow(CsvFormatError);
    expect(await readStatus(database)).toMatchObject({ sensors: 0, readings: 0 });
  });

  it('loads nothing and reports the error when PostgreSQL fails a batch in the middle of the file', async () => {
    await database.pool.query(`
      create function refuse_999() returns trigger language plpgsql as $$
      begin
        if new.value = 999 then raise exception 'refusing 999'; end if;
        return new;
      end $$;
      create trigger refuse_999 before insert on readings for each row execute function refuse_999();`);
    const rows = [row({ device_id: 'a' }), row({ device_id: 'b' }), row({ device_id: 'c', value: '999' }), row({ device_id: 'd' }), row({ device_id: 'e' }), row({ device_id: 'f' })];
    await expect(loadReadingsCsv(database, csvFile(`${HEADER}\n${rows.join('\n')}\n`), { batchSize: 2 })).rejects.toThrow(/refusing 999/);
    expect(await readStatus(database)).toMatchObject({ sensors: 0, readings: 0 });
  });

  it('loads readings across month and year ends into their monthly partitions, and a reload across them stores nothing', async () => {
    const times = ['2023-12-31 23:30:00 +0000', '2024-01-01 00:30:00 +0000', '2024-01-31 23:00:00 +0000', '2024-02-01 00:59:00 +0100', '2024-02-01 01:00:00 +0000'];
    const file = csvFile(`${HEADER}\n${times.map((timestamp, index) => row({ timestamp, value: String(index + 1) })).join('\n')}\n`);
    const first = await loadReadingsCsv(database, file, { batchSize: 2 });
    expect(first).toMatchObject({ inserted: 5, rejected: 0, batches: { direct: 3, staged: 0 } });
    const { rows } = await database.pool.query<{ partition: string; ts: Date }>(`select tableoid::regclass::text as partition, ts from readings order by ts`);
    expect(rows.map((stored) => [stored.partition, stored.ts.toISOString()])).toEqual([
      ['readings_2023_12', '2023-12-31T23:30:00.000Z'],
      ['readings_2024_01', '2024-01-01T00:30:00.000Z'],
      ['readings_2024_01', '2024-01-31T23:00:00.000Z'],
      ['readings_2024_01', '2024-01-31T23:59:00.000Z'],
      ['readings_2024_02', '2024-02-01T01:00:00.000Z'],
    ]);
    const again = await loadReadingsCsv(database, file, { batchSize: 2 });
    expect(again).toMatchObject({ inserted: 0, unchanged: 5, rejected: 0, batches: { direct: 0, staged: 3 } });
    expect(await readStatus(database)).toMatchObject({ readings: 5 });
  });

  it('leaves no partition behind when a load that created it fails', async () => {
    const before = (await listReadingsPartitions(database)).map((partition) => partition.name);
    const rows = [row({ timestamp: '2019-05-01 00:00:00 +0000' }), row({ timestamp: '2019-06-01 00:00:00 +0000', device_id: '' })];
    await database.pool.query(`create function refuse_all() returns trigger language plpgsql as $$ begin raise exception 'refusing'; end $$;
      create trigger refuse_all before insert on readings for each row execute function refuse_all();`);
    await expect(loadReadingsCsv(database, csvFile(`${HEADER}\n${rows.join('\n')}\n`))).rejects.toThrow(/refusing/);
    expect((await listReadingsPartitions(database)).map((partition) => partition.name)).toEqual(before);
    expect(before.some((name) => name.startsWith('readings_2019'))).toBe(false);
  });

  it('stores a new device once when two loads meet it at the same time: the second load files its readings under the first one\'s id', async () => {
    /** Waits until `count` sessions of this database wait on a lock. */
    const waitingOnLocks = async (count: number) => {
      for (let polls = 0; ; polls += 1) {
        const { rows } = await database.pool.query<{ n: string }>(`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
        if (Number(rows[0]!.n) >= count) return;
        if (polls > 400) throw new Error(`never saw ${count} sessions waiting on a lock`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    const hours = (device: string, from: number) => Array.from({ length: 4 }, (_, hour) => row({ device_id: device, timestamp: `2023-07-15 ${String(from + hour).padStart(2, '0')}:00:00 +0000`, value: String(from + hour) }));
    const first = csvFile(`${HEADER}\n${[...hours('dev-x', 0), ...hours('dev-a', 0)].join('\n')}\n`);
    const second = csvFile(`${HEADER}\n${[...hours('dev-b', 10), ...hours('dev-x', 10)].join('\n')}\n`);
    // Hold the first load before it commits: it stops at storing its channels, with dev-x stored but not committed.
    const holder = await database.pool.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table sensor_channels in exclusive mode');
      const loadingFirst = loadReadingsCsv(database, first, { batchSize: 2 });
      await waitingOnLocks(1);
      // The second load reserved its own id for dev-x and now waits on the first one's uncommitted dev-x.
      const loadingSecond = loadReadingsCsv(database, second, { batchSize: 2 });
      await waitingOnLocks(2);
      await holder.query('commit');
      expect(await loadingFirst).toMatchObject({ inserted: 8, rejected: 0 });
      expect(await loadingSecond).toMatchObject({ inserted: 8, rejected: 0 });
    } finally {
      holder.release();
    }
    const { rows } = await database.pool.query<{ device_id: string; readings: string; sensors: string }>(
      `select s.device_id, count(r.ts) as readings, (select count(*) from sensors t where t.device_id = s.device_id) as sensors
         from sensors s left join readings r on r.sensor_ref = s.id group by s.device_id order by s.device_id`,
    );
    expect(rows.map((stored) => [stored.device_id, Number(stored.readings), Number(stored.sensors)])).toEqual([
      ['dev-a', 4, 1],
      ['dev-b', 4, 1],
      ['dev-x', 8, 1],
    ]);
    const { rows: orphans } = await database.pool.query(`select 1 from readings r where not exists (select 1 from sensors s where s.id = r.sensor_ref)`);
    expect(orphans).toHaveLength(0);
  });

  it('reports progress after each batch', async () => {
    const seen: number[] = [];
    await loadReadingsCsv(database, anchorFile(), { batchSize: 10, onProgress: (progress) => seen.push(progress.rowsRead) });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)).toBe(24);
  });
});
