import { putText, runIdFor, toJsonLines } from '@airfill/pipeline';
import { mockAws, PARAMETER, startLocalS3, type AwsMocks, type LocalS3 } from '@airfill/pipeline/testing';
import { runKeys } from '@airfill/schema';
import { handler } from '../src/handler';


let local: LocalS3;
let aws: AwsMocks;
const saved = { ...process.env };
const runId = runIdFor('arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:cb', PARAMETER);
const jobName = `airfill-dev-${runId}`;

beforeAll(async () => {
  local = await startLocalS3();
  aws = mockAws();
  const bucket = await local.bucket();
  const keys = runKeys(runId);
  await putText(bucket, keys.targets, toJsonLines([{ id: 0, deviceId: 'b', parameter: PARAMETER, ts: '2024-03-01T10:00:00.000Z', baseline: 40 }]), 'application/x-ndjson');
  await putText(
    bucket,
    keys.transform,
    JSON.stringify({ runId, jobName, modelVersion: 'm1', parameter: PARAMETER, contract: { target: { kind: 'residual', baselineColumn: 'baseline' } }, rows: 1, skipped: 0 }),
    'application/json',
  );
  await putText(bucket, `${keys.outputPrefix}features-00000.csv.out`, '0,1.5\n', 'text/csv');
  aws.parameters.set(`/airfill/dev/jobs/${jobName}`, { value: JSON.stringify({ taskToken: 'tok', runId, executionId: 'x' }), type: 'SecureString' });
  Object.assign(process.env, {
    AIRFILL_ENV: 'dev',
    AIRFILL_BUCKET: bucket.name,
    AIRFILL_JOB_PREFIX: 'airfill-dev-',
    AIRFILL_SSM_PREFIX: '/airfill/dev/jobs',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    // The handler's module-level S3 client reaches s3rver through the SDK's endpoint variables.
    AWS_ENDPOINT_URL_S3: local.endpoint,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  });
});
afterAll(async () => {
  process.env = saved;
  aws.restore();
  await local.stop();
});

const event = (name: string, status: string) => ({
  source: 'aws.sagemaker' as const,
  'detail-type': 'SageMaker Transform Job State Change' as const,
  detail: { TransformJobName: name, TransformJobStatus: status },
});

describe('transform-callback handler', () => {
  it('ignores a job of another system without touching SSM', async () => {
    expect(await handler(event('someone-else-1', 'Completed'))).toEqual({ action: 'ignored', reason: 'not-ours' });
    expect(aws.ssm.calls()).toHaveLength(0);
  });

  it('settles a completed job of this system and sends its token back', async () => {
    expect(await handler(event(jobName, 'Completed'))).toEqual({ action: 'succeeded', runId, predicted: 1, late: false });
    expect(aws.requests('DeleteParameterCommand')).toEqual([{ Name: `/airfill/dev/jobs/${jobName}` }]);
    expect(aws.requests('SendTaskSuccessCommand')).toEqual([{
      taskToken: 'tok',
      output: JSON.stringify({ jobName, predicted: 1, modelVersion: 'm1', predictionsKey: runKeys(runId).predictions, refused: 0, live: null }),
    }]);
  });
});
