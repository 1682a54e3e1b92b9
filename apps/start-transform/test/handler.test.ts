import { queryMissing, silentLogger } from '@airfill/pipeline';
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
import type { QueryMissingResult } from '@airfill/schema';
import { handler } from '../src/handler';


type HandlerModule = { handler: typeof handler };

let database: TestDatabase;
let local: LocalS3;
let aws: AwsMocks;
let run: QueryMissingResult;
const saved = { ...process.env };
const executionId = 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:st1';

beforeAll(async () => {
  const model = (await loadModelFromSet('PM 2.5'))!;
  [database, local] = await Promise.all([createTestDatabase(), startLocalS3()]);
  await seedReadings(database);
  const bucket = await local.bucket();
  run = await queryMissing({ database, bucket, logger: silentLogger }, { maxReadings: 100, contractOf: async () => model.contract }, { executionId, parameter: 'PM 2.5', input: {} });
  aws = mockAws();
  Object.assign(process.env, lambdaTestEnv({ bucket: bucket.name, s3Endpoint: local.endpoint, modelVersion: model.version }), {
    AIRFILL_MODELS_DIR: DEFAULT_MODELS_DIR,
    AIRFILL_KMS_KEY_ARN: 'arn:aws:kms:eu-west-1:123456789012:key/tokens',
  });
});
afterAll(async () => {
  process.env = saved;
  aws.restore();
  await Promise.all([database.drop(), local.stop()]);
});

describe('start-transform handler', () => {
  it('starts the job with the model and instances from the environment and keeps the token under AIRFILL_SSM_PREFIX with AIRFILL_KMS_KEY_ARN', async () => {
    const result = await handler({ executionId, run, taskToken: 'tok-1' });
    // The missing readings and the live check's hidden values.
    expect(run.probes).toBeGreaterThan(0);
    expect(result).toEqual({ jobName: `airfill-dev-${run.runId}`, rows: 5 + run.probes, state: 'created' });
    expect(aws.requests('CreateTransformJobCommand')[0]).toMatchObject({
      ModelName: 'airfill-dev-model',
      TransformResources: { InstanceType: 'ml.m5.xlarge', InstanceCount: 2 },
      MaxPayloadInMB: 6,
    });
    expect(aws.requests('PutParameterCommand')[0]).toMatchObject({
      Name: `/airfill/dev/jobs/airfill-dev-${run.runId}`,
      Type: 'SecureString',
      KeyId: 'arn:aws:kms:eu-west-1:123456789012:key/tokens',
    });
  });

  it('refuses to run when the deployed model is no longer the one the run pinned (a deploy under the run)', async () => {
    process.env.AIRFILL_MODELS = JSON.stringify({ 'PM 2.5': { name: 'airfill-dev-model', version: 'some-other-model' } });
    try {
      // The environment is read once per container: a fresh module registry stands for a cold start.
      let cold!: HandlerModule;
      jest.isolateModules(() => {
        cold = jest.requireActual<HandlerModule>('../src/handler');
      });
      await expect(cold.handler({ executionId, run, taskToken: 'tok-2' })).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('some-other-model') });
    } finally {
      process.env.AIRFILL_MODELS = JSON.stringify({ 'PM 2.5': { name: 'airfill-dev-model', version: (await loadModelFromSet('PM 2.5'))!.version } });
    }
  });
});
