/**
 * An empty input for the transform: every claimed reading lacks what its
 * value would be built on (no observation of the parameter anywhere near), so
 * no feature row can be made. No job is started, the task succeeds with
 * nothing predicted, the run closes with 0 written, and the readings stay
 * missing for a later run instead of failing this one.
 */
import { CreateTransformJobCommand } from '@aws-sdk/client-sagemaker';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { getRun } from '@airfill/db';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { loadModelFromSet, type LoadedModel } from '@airfill/model';
import { runKeys, type TransformResult } from '@airfill/schema';
import { getText, listKeys, queryMissing, silentLogger, startTransform, writePredictions } from '../src';
import { mockAws, type AwsMocks } from './support/aws-mocks';
import { startLocalS3, type LocalS3 } from '../src/local-s3';
import { PARAMETER, unfilled } from './support/seed';


let database: TestDatabase;
let local: LocalS3;
let model: LoadedModel;
let aws: AwsMocks;

beforeAll(async () => {
  [database, local, model] = await Promise.all([createTestDatabase(), startLocalS3(), loadModelFromSet(PARAMETER).then((found) => found!)]);
  aws = mockAws();
  // One sensor whose PM 2.5 never reported; only its temperature did.
  await database.pool.query(`
    insert into sensors (device_id, latitude, longitude) values ('lonely', 39.9, 116.4);
    select ensure_readings_partitions('2024-03-01T00:00:00Z', '2024-03-01T05:00:00Z');
    insert into readings (sensor_ref, parameter, ts, value, raw_value)
    select s.id, p.parameter, t, case when p.parameter = 'PM 2.5' then null else 12 end, 'x'
      from sensors s cross join (values ('PM 2.5'), ('Temperature')) p(parameter)
      cross join generate_series('2024-03-01T00:00:00Z'::timestamptz, '2024-03-01T05:00:00Z', interval '1 hour') t;
  `);
});
afterAll(async () => {
  aws.restore();
  await Promise.all([database.drop(), local.stop()]);
});

describe('an empty transform input', () => {
  it('starts no job, succeeds with nothing predicted, and leaves the readings for a later run', async () => {
    const bucket = await local.bucket();
    const executionId = 'arn:aws:states:eu-west-1:123456789012:execution:airfill-test:empty';
    const run = await queryMissing({ database, bucket, logger: silentLogger }, { maxReadings: 100, contractOf: async () => model.contract }, { executionId, parameter: PARAMETER, input: {} });
    expect(run.found).toBe(6);

    const deps = { bucket, tokens: { ssm: aws.clients.ssm, prefix: '/airfill/dev/jobs' }, sfn: aws.clients.sfn, sagemaker: aws.clients.sagemaker, logger: silentLogger };
    const started = await startTransform(
      deps,
      { jobPrefix: 'airfill-test-', instanceType: 'ml.m5.large', instanceCount: 1, maxPayloadMb: 6, modelOf: async () => ({ name: 'm', ...model }) },
      { executionId, run, taskToken: 'tok-empty' },
    );
    expect(started).toEqual({ jobName: `airfill-test-${run.runId}`, rows: 0, state: 'settled' });
    expect(aws.sagemaker.commandCalls(CreateTransformJobCommand)).toHaveLength(0);
    expect(await listKeys(bucket, runKeys(run.runId).inputPrefix)).toEqual([]);
    expect(JSON.parse(await getText(bucket, runKeys(run.runId).transform))).toMatchObject({ rows: 0, skipped: 6 });

    const sent = aws.sfn.commandCalls(SendTaskSuccessCommand);
    expect(sent).toHaveLength(1);
    const transform = JSON.parse(sent[0]!.args[0].input.output!) as TransformResult;
    expect(transform).toMatchObject({ predicted: 0 });

    const written = await writePredictions({ database, bucket, logger: silentLogger }, { executionId, run: { ...run, transform } });
    expect(written).toMatchObject({ found: 6, predicted: 0, written: 0 });
    expect(await getRun(database, run.runId)).toMatchObject({ status: 'succeeded', found: 6, predicted: 0, written: 0 });
    expect(await unfilled(database)).toBe(6);
    const { rows } = await database.pool.query('select count(*)::int as n from claims');
    expect(rows).toEqual([{ n: 0 }]);
  });
});
