import { putText } from '@airfill/pipeline';
import { createTestDatabase, lambdaTestEnv, MIGRATIONS_FOLDER, startLocalS3, type LocalS3, type TestDatabase } from '@airfill/pipeline/testing';
import { handler } from '../src/handler';


let database: TestDatabase;
let local: LocalS3;
const saved = { ...process.env };

const CSV = `timestamp,value,parameter,device_id,latitude,longitude
2024-03-01 10:00:00.000 +0100,12.5,PM 2.5,dev-1,48.1,11.5
2024-03-01 11:00:00.000 +0100,65535,PM 2.5,dev-1,48.1,11.5
`;

beforeAll(async () => {
  [database, local] = await Promise.all([createTestDatabase({ migrate: false }), startLocalS3()]);
  const bucket = await local.bucket();
  await putText(bucket, 'seed.csv', CSV, 'text/csv');
  Object.assign(process.env, lambdaTestEnv({ bucket: bucket.name, s3Endpoint: local.endpoint, databaseUrl: database.url }), {
    AIRFILL_MIGRATIONS_DIR: MIGRATIONS_FOLDER,
  });
});
afterAll(async () => {
  process.env = saved;
  await Promise.all([database.drop(), local.stop()]);
});

describe('migrate handler', () => {
  it('migrates with no event at all', async () => {
    expect(await handler()).toEqual({ migrated: true });
    const { rows } = await database.pool.query(`select to_regclass('public.readings') is not null as present`);
    expect(rows).toEqual([{ present: true }]);
  });

  it('loads the CSV the event names from the bucket', async () => {
    const result = await handler({ csvKey: 'seed.csv' });
    expect(result.load).toMatchObject({ key: 'seed.csv', valid: 2, inserted: 2, missing: 1, rejected: 0 });
  });
});
