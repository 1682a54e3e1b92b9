import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { MIGRATIONS_FOLDER } from '@airfill/db';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { migrate, silentLogger, type Bucket } from '../src';
import { captureLogs } from './support/logs';
import { startLocalS3, type LocalS3 } from '../src/local-s3';


let database: TestDatabase;
let local: LocalS3;
let bucket: Bucket;

/** The first 120 rows of the bundled Beijing sample, one with the sentinel, plus a row with a broken timestamp. */
function sampleCsv(): string {
  const text = gunzipSync(readFileSync(path.resolve(__dirname, '../../../samples/beijing/beijing_2015-06.csv.gz'))).toString('utf8');
  const lines = text.split('\n').slice(0, 121);
  lines[5] = lines[5]!.replace(/^([^,]*),[^,]*,/, '$1,65535,');
  lines.push(lines[1]!.replace(/^[^,]*,/, 'not a time,'));
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  [database, local] = await Promise.all([createTestDatabase({ migrate: false }), startLocalS3()]);
  bucket = await local.bucket();
  await bucket.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'initial/readings.csv', Body: sampleCsv() }));
});
afterAll(async () => {
  await Promise.all([database.drop(), local.stop()]);
});

async function tableCount(table: string): Promise<number> {
  const { rows } = await database.pool.query<{ n: string }>(`select count(*) as n from ${table}`);
  return Number(rows[0]?.n);
}

describe('migrate', () => {
  it('migrates an empty database, and a second run changes nothing', async () => {
    const deps = { database, bucket, logger: silentLogger };
    expect(await migrate(deps, { migrationsFolder: MIGRATIONS_FOLDER }, {})).toEqual({ migrated: true });
    expect(await tableCount('runs')).toBe(0);
    expect(await migrate(deps, { migrationsFolder: MIGRATIONS_FOLDER }, {})).toEqual({ migrated: true });
  });

  it('loads an initial CSV from the bucket, reports rejects, and loads nothing twice', async () => {
    const { logger, lines } = captureLogs();
    const deps = { database, bucket, logger };
    const first = await migrate(deps, { migrationsFolder: MIGRATIONS_FOLDER }, { csvKey: 'initial/readings.csv' });
    expect(first.load).toMatchObject({ key: 'initial/readings.csv', rows: 121, valid: 120, rejected: 1, inserted: 120, missing: 1 });
    expect(lines.filter((line) => line.message === 'row rejected')).toEqual([expect.objectContaining({ line: 122, column: 'timestamp' })]);
    expect(await tableCount('readings')).toBe(120);
    const { rows } = await database.pool.query<{ raw_value: string }>('select raw_value from readings where value is null');
    expect(rows).toEqual([{ raw_value: '65535' }]);

    const second = await migrate(deps, { migrationsFolder: MIGRATIONS_FOLDER }, { csvKey: 'initial/readings.csv' });
    expect(second.load).toMatchObject({ inserted: 0, unchanged: 120 });
    expect(await tableCount('readings')).toBe(120);
  });

  it('says which object is missing when the CSV is not in the bucket', async () => {
    await expect(migrate({ database, bucket, logger: silentLogger }, { migrationsFolder: MIGRATIONS_FOLDER }, { csvKey: 'nope.csv' })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('nope.csv'),
    });
  });
});
