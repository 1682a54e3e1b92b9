import { handleTransformEvent, queryMissing, silentLogger, startTransform } from '@airfill/pipeline';
import {
  createTestDatabase,
  lambdaTestEnv,
  loadModelFromSet,
  mockAws,
  runLocalTransform,
  seedReadings,
  startLocalS3,
  unfilled,
  type AwsMocks,
  type LocalS3,
  type TestDatabase,
} from '@airfill/pipeline/testing';
import type { TransformResult, WritePredictionsEvent } from '@airfill/schema';
import { handler } from '../src/handler';


let database: TestDatabase;
let local: LocalS3;
let aws: AwsMocks;
let event: WritePredictionsEvent;
const saved = { ...process.env };
const executionId = 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:wp1';

/** Runs the steps before write-predictions with the pipeline functions, as the state machine would. */
beforeAll(async () => {
  const model = (await loadModelFromSet('PM 2.5'))!;
  [database, local] = await Promise.all([createTestDatabase(), startLocalS3()]);
  await seedReadings(database);
  aws = mockAws();
  const bucket = await local.bucket();
  const run = await queryMissing({ database, bucket, logger: silentLogger }, { maxReadings: 100, contractOf: async () => model.contract }, { executionId, parameter: 'PM 2.5', input: {} });
  const deps = { bucket, tokens: { ssm: aws.clients.ssm, prefix: '/airfill/dev/jobs' }, sfn: aws.clients.sfn, sagemaker: aws.clients.sagemaker, logger: silentLogger };
  const settings = { jobPrefix: 'airfill-dev-' };
  await startTransform(
    deps,
    { ...settings, instanceType: 'ml.m5.large', instanceCount: 1, maxPayloadMb: 6, modelOf: async () => ({ name: 'm', ...model }) },
    { executionId, run, taskToken: 'tok' },
  );
  await runLocalTransform(bucket, run.runId, model);
  await handleTransformEvent(deps, settings, {
    source: 'aws.sagemaker',
    'detail-type': 'SageMaker Transform Job State Change',
    detail: { TransformJobName: `airfill-dev-${run.runId}`, TransformJobStatus: 'Completed' },
  });
  const transform = JSON.parse((aws.sfn.calls()[0]!.args[0].input as { output: string }).output) as TransformResult;
  event = { executionId, run: { ...run, transform } };
  Object.assign(process.env, lambdaTestEnv({ bucket: bucket.name, s3Endpoint: local.endpoint, databaseUrl: database.url }));
});
afterAll(async () => {
  process.env = saved;
  aws.restore();
  await Promise.all([database.drop(), local.stop()]);
});

describe('write-predictions handler', () => {
  it('writes the predictions into the database and closes the run', async () => {
    expect(await handler(event)).toMatchObject({ runId: event.run.runId, found: 5, predicted: 5, written: 5 });
    expect(await unfilled(database)).toBe(0);
    const { rows } = await database.pool.query('select status from runs where run_id = $1', [event.run.runId]);
    expect(rows).toEqual([{ status: 'succeeded' }]);
  });
});
