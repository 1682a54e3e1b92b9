import { listKeys } from '@airfill/pipeline';
import {
  createTestDatabase,
  DEFAULT_MODELS_DIR,
  lambdaTestEnv,
  loadModelFromSet,
  mockAws,
  seedReadings,
  startLocalS3,
  type AwsMocks,
  type LocalS3,
  type TestDatabase,
} from '@airfill/pipeline/testing';
import { handler } from '../src/handler';


let database: TestDatabase;
let local: LocalS3;
let bucketName: string;
// No current-model pointer in SSM (a fresh deployment): the deployed default fills.
let aws: AwsMocks;
const saved = { ...process.env };

beforeAll(async () => {
  const model = (await loadModelFromSet('PM 2.5'))!;
  [database, local] = await Promise.all([createTestDatabase(), startLocalS3()]);
  await seedReadings(database);
  const bucket = await local.bucket();
  bucketName = bucket.name;
  aws = mockAws();
  Object.assign(process.env, lambdaTestEnv({ bucket: bucket.name, s3Endpoint: local.endpoint, databaseUrl: database.url, modelVersion: model.version }), {
    AIRFILL_MODELS_DIR: DEFAULT_MODELS_DIR,
    AIRFILL_MAX_READINGS_PER_RUN: '4',
    AIRFILL_LIVE_POINTS: '10',
  });
});
afterAll(async () => {
  process.env = saved;
  aws.restore();
  await Promise.all([database.drop(), local.stop()]);
});

describe('query-missing handler', () => {
  it("claims at most AIRFILL_MAX_READINGS_PER_RUN readings of the event's parameter into AIRFILL_BUCKET, with the bundled model's context window and AIRFILL_LIVE_POINTS values hidden for the live check", async () => {
    const result = await handler({ executionId: 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:q1', parameter: 'PM 2.5', input: { trigger: 'schedule' } });
    expect(result).toMatchObject({ parameter: 'PM 2.5', found: 4, bucket: bucketName });
    expect(await listKeys({ s3: local.s3, name: bucketName }, `retrieved_from_db/${result.runId}/`)).toEqual([
      `retrieved_from_db/${result.runId}/context.jsonl`,
      `retrieved_from_db/${result.runId}/missing.jsonl`,
      `retrieved_from_db/${result.runId}/model.json`,
      `retrieved_from_db/${result.runId}/probes.jsonl`,
    ]);
    expect(aws.requests('GetParameterCommand')).toEqual([{ Name: '/airfill/dev/models/pm25/current' }]);
    // Within the 4 claims' few hours there are fewer observed values than the 10 asked for; never more than asked plus one block.
    expect(result.probes).toBeGreaterThan(0);
    expect(result.probes).toBeLessThan(10 + 48);
  });

  it('refuses a parameter AIRFILL_MODELS deploys no model for', async () => {
    await expect(handler({ executionId: 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:q2', parameter: 'Temperature', input: {} })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('no current model fills Temperature'),
    });
  });
});
