import { listKeys } from '@airfill/pipeline';
import {
  createTestDatabase,
  DEFAULT_MODEL_DIR,
  lambdaTestEnv,
  loadModel,
  seedReadings,
  startLocalS3,
  type LocalS3,
  type TestDatabase,
} from '@airfill/pipeline/testing';
import { handler } from '../src/handler';


let database: TestDatabase;
let local: LocalS3;
let bucketName: string;
const saved = { ...process.env };

beforeAll(async () => {
  const model = await loadModel(DEFAULT_MODEL_DIR);
  [database, local] = await Promise.all([createTestDatabase(), startLocalS3()]);
  await seedReadings(database);
  const bucket = await local.bucket();
  bucketName = bucket.name;
  Object.assign(process.env, lambdaTestEnv({ bucket: bucket.name, s3Endpoint: local.endpoint, databaseUrl: database.url, modelVersion: model.version }), {
    AIRFILL_MODEL_DIR: DEFAULT_MODEL_DIR,
    AIRFILL_MAX_READINGS_PER_RUN: '4',
  });
});
afterAll(async () => {
  process.env = saved;
  await Promise.all([database.drop(), local.stop()]);
});

describe('query-missing handler', () => {
  it('claims at most AIRFILL_MAX_READINGS_PER_RUN readings of AIRFILL_PARAMETER into AIRFILL_BUCKET', async () => {
    const result = await handler({ executionId: 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:q1', input: { trigger: 'schedule' } });
    expect(result).toMatchObject({ parameter: 'PM 2.5', found: 4, bucket: bucketName });
    expect(await listKeys({ s3: local.s3, name: bucketName }, `retrieved_from_db/${result.runId}/`)).toEqual([
      `retrieved_from_db/${result.runId}/context.jsonl`,
      `retrieved_from_db/${result.runId}/missing.jsonl`,
    ]);
  });
});
