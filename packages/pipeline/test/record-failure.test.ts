import { DeleteParameterCommand } from '@aws-sdk/client-ssm';
import { StopTransformJobCommand } from '@aws-sdk/client-sagemaker';
import { getRun } from '@airfill/db';
import { recordFailure, runIdFor, silentLogger, startTransform } from '../src';
import { awsDeps, executionArn, JOB_PREFIX, queriedRun, SSM_PREFIX, transformSettings, useFixture, type Fixture } from './support/fixture';
import { countRows, PARAMETER } from './support/seed';

let fixture: Fixture;
useFixture((opened) => (fixture = opened));

const deps = () => ({
  database: fixture.database,
  sagemaker: fixture.aws.clients.sagemaker,
  tokens: { ssm: fixture.aws.clients.ssm, prefix: SSM_PREFIX },
  logger: silentLogger,
});
const settings = { jobPrefix: JOB_PREFIX };

describe('recordFailure', () => {
  it('marks the run failed with the error, releases its claims, stops its running job and deletes its token', async () => {
    const { bucket, run, executionId, startEvent } = await queriedRun(fixture, 'f1');
    await startTransform(awsDeps(fixture, bucket), transformSettings(fixture), startEvent('token-f1'));
    expect(await countRows(fixture.database, 'claims')).toBe(5);

    const result = await recordFailure(deps(), settings, { executionId, parameter: PARAMETER, error: { Error: 'States.Timeout', Cause: 'the transform took too long' } });
    const jobName = `${JOB_PREFIX}${run.runId}`;
    expect(result).toEqual({ runId: run.runId, parameter: PARAMETER, error: 'States.Timeout', stoppedJob: true });
    expect(await getRun(fixture.database, run.runId)).toMatchObject({
      status: 'failed',
      error: { name: 'States.Timeout', message: 'the transform took too long', executionId },
    });
    expect(await countRows(fixture.database, 'claims')).toBe(0);
    expect(fixture.aws.sagemaker.commandCalls(StopTransformJobCommand)[0]!.args[0].input).toEqual({ TransformJobName: jobName });
    expect(fixture.aws.ssm.commandCalls(DeleteParameterCommand)[0]!.args[0].input).toEqual({ Name: `${SSM_PREFIX}/${jobName}` });
    expect(fixture.aws.parameters.has(`${SSM_PREFIX}/${jobName}`)).toBe(false);

    // Recording again (a retried step) changes nothing and stops nothing twice.
    const again = await recordFailure(deps(), settings, { executionId, parameter: PARAMETER, error: { Error: 'States.Timeout', Cause: 'the transform took too long' } });
    expect(again.stoppedJob).toBe(false);
    expect(await getRun(fixture.database, run.runId)).toMatchObject({ status: 'failed' });
  });

  it('records a failure that happened before the run was opened, with no job to stop', async () => {
    const executionId = executionArn('f2');
    const result = await recordFailure(deps(), settings, { executionId, parameter: PARAMETER, error: { Error: 'DatabaseUnavailableError', Cause: 'connection refused' } });
    expect(result).toEqual({ runId: runIdFor(executionId, PARAMETER), parameter: PARAMETER, error: 'DatabaseUnavailableError', stoppedJob: false });
    expect(await getRun(fixture.database, result.runId)).toMatchObject({ status: 'failed', parameter: PARAMETER });
    expect(fixture.aws.sagemaker.commandCalls(StopTransformJobCommand)).toHaveLength(0);
  });

  it('keeps a long cause short enough for the ledger', async () => {
    const executionId = executionArn('f3');
    await recordFailure(deps(), settings, { executionId, parameter: PARAMETER, error: { Error: 'Error', Cause: 'x'.repeat(10_000) } });
    const run = await getRun(fixture.database, runIdFor(executionId, PARAMETER));
    expect((run.error as { message: string }).message.length).toBeLessThanOrEqual(4001);
  });
});
