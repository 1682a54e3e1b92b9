import { getText, runIdForExecution } from '@airfill/pipeline';
import { createTestDatabase, lambdaTestEnv, seedReadings, startLocalS3, type LocalS3, type TestDatabase } from '@airfill/pipeline/testing';
import { executionKeys } from '@airfill/schema';
import { handler } from '../src/handler';

let database: TestDatabase;
let local: LocalS3;
let bucketName: string;
const saved = { ...process.env };

beforeAll(async () => {
  [database, local] = await Promise.all([createTestDatabase(), startLocalS3()]);
  await seedReadings(database);
  bucketName = (await local.bucket()).name;
  // The seed stores PM 2.5 and Temperature; only PM 2.5 is deployed. Chunks of 2 of its 5 missing readings.
  Object.assign(
    process.env,
    lambdaTestEnv({ bucket: bucketName, s3Endpoint: local.endpoint, databaseUrl: database.url, models: { 'PM 2.5': { name: 'airfill-dev-xgb-pm25', version: 'pm25-1' } } }),
    { AIRFILL_MAX_READINGS_PER_RUN: '2' },
  );
});
afterAll(async () => {
  process.env = saved;
  await Promise.all([database.drop(), local.stop()]);
});

describe('plan-parameters handler', () => {
  it('plans the stored parameters AIRFILL_MODELS deploys a model for, and names the others as without a model', async () => {
    const executionId = 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:p1';
    const result = await handler({ executionId, input: { trigger: 'schedule' } });
    const key = executionKeys(runIdForExecution(executionId)).chunks;
    expect(result).toEqual({ parameters: ['PM 2.5'], withoutModel: ['Temperature'], input: { trigger: 'schedule' }, chunks: { key, count: 3, perParameter: { 'PM 2.5': 3 } } });
    // The manifest in AIRFILL_BUCKET, in chunks of AIRFILL_MAX_READINGS_PER_RUN.
    const manifest = JSON.parse(await getText({ s3: local.s3, name: bucketName }, key)) as { parameter: string; chunk: number }[];
    expect(manifest.map((item) => `${item.parameter}/${item.chunk}`)).toEqual(['PM 2.5/0', 'PM 2.5/1', 'PM 2.5/2']);
  });

  it('fails with an InputError when AIRFILL_MODELS is not the JSON it must be', async () => {
    const good = process.env.AIRFILL_MODELS;
    process.env.AIRFILL_MODELS = '{"PM 2.5":';
    try {
      // The environment is read once per container: a fresh module registry stands for a cold start.
      let cold!: { handler: typeof handler };
      jest.isolateModules(() => {
        cold = jest.requireActual<{ handler: typeof handler }>('../src/handler');
      });
      await expect(cold.handler({ executionId: 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:p2', input: {} })).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('AIRFILL_MODELS'),
      });
    } finally {
      process.env.AIRFILL_MODELS = good;
    }
  });
});
