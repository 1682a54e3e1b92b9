import { SendTaskFailureCommand, SendTaskSuccessCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DeleteParameterCommand, GetParameterCommand } from '@aws-sdk/client-ssm';
import { predictionRecordSchema, refusedRecordSchema, runKeys, type TransformJobEvent } from '@airfill/schema';
import { getText, handleTransformEvent, listKeys, parseJsonLines, startTransform } from '../src';
import { awsDeps, JOB_PREFIX, queriedRun, SSM_PREFIX, transformSettings, useFixture, type Fixture } from './support/fixture';
import { runLocalTransform } from './support/local-transform';
import { PARAMETER } from './support/seed';

let fixture: Fixture;
useFixture((opened) => (fixture = opened));

const settings = { jobPrefix: JOB_PREFIX };

function stateChange(jobName: string, status: string, failureReason?: string): TransformJobEvent {
  return {
    source: 'aws.sagemaker',
    'detail-type': 'SageMaker Transform Job State Change',
    detail: { TransformJobName: jobName, TransformJobStatus: status, ...(failureReason ? { FailureReason: failureReason } : {}) },
  };
}

/** A run whose transform job was created and has (locally) produced its output. */
async function transformedRun(name: string, tamper?: (lines: string[]) => string[]) {
  const prepared = await queriedRun(fixture, name);
  const deps = awsDeps(fixture, prepared.bucket);
  await startTransform(deps, transformSettings(fixture), prepared.startEvent(`token-${name}`));
  await runLocalTransform(prepared.bucket, prepared.run.runId, fixture.model, tamper);
  const jobName = `${JOB_PREFIX}${prepared.run.runId}`;
  return { ...prepared, deps, jobName, token: `token-${name}` };
}

describe('handleTransformEvent', () => {
  it('on Completed writes the validated predictions, sends the token back with success and deletes it', async () => {
    const { deps, jobName, run, bucket, token } = await transformedRun('c1');
    const outcome = await handleTransformEvent(deps, settings, stateChange(jobName, 'Completed'));
    expect(outcome).toEqual({ action: 'succeeded', runId: run.runId, predicted: 5, late: false });

    const keys = runKeys(run.runId);
    const predictions = parseJsonLines(await getText(bucket, keys.predictions), predictionRecordSchema, keys.predictions);
    expect(predictions.map((row) => [row.deviceId, row.ts])).toEqual([
      ['b', '2024-03-01T10:00:00.000Z'],
      ['b', '2024-03-01T11:00:00.000Z'],
      ['b', '2024-03-01T12:00:00.000Z'],
      ['b', '2024-03-01T13:00:00.000Z'],
      ['c', '2024-03-02T06:00:00.000Z'],
    ]);
    // The seeded series swings between about 30 and 53: a real model's predictions land near it.
    expect(predictions.filter((row) => row.value > 15 && row.value < 70 && row.parameter === PARAMETER && row.modelVersion === fixture.model.version)).toHaveLength(5);

    expect(fixture.aws.ssm.commandCalls(GetParameterCommand)[0]!.args[0].input).toEqual({ Name: `${SSM_PREFIX}/${jobName}`, WithDecryption: true });
    const sent = fixture.aws.sfn.commandCalls(SendTaskSuccessCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.args[0].input).toEqual({
      taskToken: token,
      output: JSON.stringify({ jobName, predicted: 5, modelVersion: fixture.model.version, predictionsKey: keys.predictions, refused: 0, live: null }),
    });
    expect(fixture.aws.ssm.commandCalls(DeleteParameterCommand)[0]!.args[0].input).toEqual({ Name: `${SSM_PREFIX}/${jobName}` });
    expect(fixture.aws.parameters.has(`${SSM_PREFIX}/${jobName}`)).toBe(false);
  });

  it('treats a repeated event for the same job as a no-op', async () => {
    const { deps, jobName } = await transformedRun('c2');
    await handleTransformEvent(deps, settings, stateChange(jobName, 'Completed'));
    const again = await handleTransformEvent(deps, settings, stateChange(jobName, 'Completed'));
    expect(again).toEqual({ action: 'ignored', reason: 'no-token' });
    expect(fixture.aws.sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it('treats a late event, whose token Step Functions no longer knows, as a no-op and still deletes the token', async () => {
    const { deps, jobName, token } = await transformedRun('c3');
    fixture.aws.usedTokens.add(token); // the wait timed out meanwhile
    const outcome = await handleTransformEvent(deps, settings, stateChange(jobName, 'Completed'));
    expect(outcome).toMatchObject({ action: 'succeeded', late: true });
    expect(fixture.aws.parameters.has(`${SSM_PREFIX}/${jobName}`)).toBe(false);
  });

  it('answers the newer token a retried start-transform stored while the callback ran, and deletes only that one', async () => {
    const { deps, jobName, token } = await transformedRun('c6');
    const name = `${SSM_PREFIX}/${jobName}`;
    const retried = JSON.stringify({ ...JSON.parse(fixture.aws.parameters.get(name)!.value), taskToken: 'token-of-the-retry' });
    fixture.aws.sfn.on(SendTaskSuccessCommand, { taskToken: token }).callsFakeOnce(() => {
      // Meanwhile Step Functions retried start-transform: the old token is dead, the new one stored.
      fixture.aws.parameters.set(name, { value: retried, type: 'SecureString' });
      throw new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} });
    });
    const outcome = await handleTransformEvent(deps, settings, stateChange(jobName, 'Completed'));
    expect(outcome).toMatchObject({ action: 'succeeded', late: false });
    expect(fixture.aws.requests('SendTaskSuccessCommand').map((request) => request.taskToken)).toEqual([token, 'token-of-the-retry']);
    expect(fixture.aws.usedTokens.has('token-of-the-retry')).toBe(true);
    expect(fixture.aws.parameters.has(name)).toBe(false);
  });

  it('after a crash between sending the token and deleting it, the redelivered event only deletes the token', async () => {
    const { deps, jobName } = await transformedRun('c4');
    fixture.aws.failNext('DeleteParameter', Object.assign(new Error('socket hang up'), { name: 'TimeoutError', $retryable: {} }));
    await expect(handleTransformEvent(deps, settings, stateChange(jobName, 'Completed'))).rejects.toMatchObject({ name: 'TransientError' });
    const redelivered = await handleTransformEvent(deps, settings, stateChange(jobName, 'Completed'));
    expect(redelivered).toMatchObject({ action: 'succeeded', late: true });
    expect(fixture.aws.sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(2);
    expect(fixture.aws.parameters.has(`${SSM_PREFIX}/${jobName}`)).toBe(false);
  });

  it('ignores jobs without the prefix and statuses that are not final, touching nothing', async () => {
    const { deps, jobName } = await transformedRun('c5');
    expect(await handleTransformEvent(deps, settings, stateChange(`someone-else-${jobName}`, 'Completed'))).toEqual({ action: 'ignored', reason: 'not-ours' });
    expect(await handleTransformEvent(deps, settings, stateChange(jobName, 'InProgress'))).toEqual({ action: 'ignored', reason: 'not-final' });
    expect(fixture.aws.ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
    expect(fixture.aws.sfn.calls()).toHaveLength(0);
  });

  it.each([
    ['Failed', 'ClientError: model container crashed'],
    ['Stopped', undefined],
  ])('on %s sends a failure with the reason and writes no predictions', async (status, reason) => {
    const { deps, jobName, bucket, run, token } = await transformedRun(`c6-${status}`);
    const outcome = await handleTransformEvent(deps, settings, stateChange(jobName, status, reason));
    expect(outcome).toMatchObject({ action: 'failed', error: 'TransformJobFailedError' });
    const sent = fixture.aws.sfn.commandCalls(SendTaskFailureCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.args[0].input).toEqual({
      taskToken: token,
      error: 'TransformJobFailedError',
      cause: `transform ${jobName} ${status}${reason ? `: ${reason}` : ''}`,
    });
    expect(await listKeys(bucket, `predicted_values_output/${run.runId}/`)).toEqual([]);
    expect(fixture.aws.parameters.has(`${SSM_PREFIX}/${jobName}`)).toBe(false);
  });

  it.each([
    ['a missing id', (lines: string[]) => lines.slice(1), /1 missing ids \(e\.g\. b PM 2\.5 at 2024-03-01T10:00:00\.000Z\)/],
    ['a duplicate id', (lines: string[]) => [...lines, lines[2]!], /1 duplicate ids \(e\.g\. b PM 2\.5 at 2024-03-01T12:00:00\.000Z\)/],
    ['an extra id', (lines: string[]) => [...lines, '99,1.5'], /1 unknown ids \(e\.g\. row id "99" was never sent\)/],
    ['an empty output', () => [], /5 missing ids/],
  ])('fails the task with OutputValidationError on output with %s', async (_case, tamper, reason) => {
    const { deps, jobName, bucket, run } = await transformedRun(`c7-${_case.replace(/\W/g, '')}`, tamper);
    const outcome = await handleTransformEvent(deps, settings, stateChange(jobName, 'Completed'));
    expect(outcome).toMatchObject({ action: 'failed', error: 'OutputValidationError' });
    const sent = fixture.aws.sfn.commandCalls(SendTaskFailureCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.args[0].input.error).toBe('OutputValidationError');
    expect(sent[0]!.args[0].input.cause).toMatch(reason);
    expect(fixture.aws.sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(await listKeys(bucket, `predicted_values_output/${run.runId}/`)).toEqual([]);
  });

  it('refuses a NaN and an implausible value one by one, by reading, and sends the other predictions with success', async () => {
    const tamper = (lines: string[]) => lines.map((line, index) => (index === 1 ? line.replace(/,.*$/, ',NaN') : index === 3 ? line.replace(/,.*$/, ',-948.4') : line));
    const { deps, jobName, bucket, run } = await transformedRun('c9', tamper);
    const outcome = await handleTransformEvent(deps, settings, stateChange(jobName, 'Completed'));
    expect(outcome).toMatchObject({ action: 'succeeded', predicted: 3 });
    const keys = runKeys(run.runId);
    const sent = fixture.aws.sfn.commandCalls(SendTaskSuccessCommand);
    expect(JSON.parse(sent[0]!.args[0].input.output!)).toMatchObject({ predicted: 3, refused: 2, refusedKey: keys.refused });
    const refused = parseJsonLines(await getText(bucket, keys.refused), refusedRecordSchema, keys.refused);
    expect(refused).toEqual([
      { deviceId: 'b', parameter: PARAMETER, ts: '2024-03-01T11:00:00.000Z', value: null, reason: 'the model gave no finite number' },
      { deviceId: 'b', parameter: PARAMETER, ts: '2024-03-01T13:00:00.000Z', value: expect.any(Number), reason: expect.stringMatching(/is outside the plausible range of PM 2\.5, 0 to 2000 \(less [0-9.]+, plus [0-9.]+\)$/) },
    ]);
    const predictions = parseJsonLines(await getText(bucket, keys.predictions), predictionRecordSchema, keys.predictions);
    expect(predictions.map((row) => [row.deviceId, row.ts])).toEqual([
      ['b', '2024-03-01T10:00:00.000Z'],
      ['b', '2024-03-01T12:00:00.000Z'],
      ['c', '2024-03-02T06:00:00.000Z'],
    ]);
  });

  it('deletes only the token it answered: a newer token stored while it answered stays for its own job event', async () => {
    const { deps, jobName, token } = await transformedRun('c10');
    const name = `${SSM_PREFIX}/${jobName}`;
    const newer = JSON.stringify({ ...JSON.parse(fixture.aws.parameters.get(name)!.value), taskToken: 'token-stored-meanwhile' });
    fixture.aws.sfn.on(SendTaskSuccessCommand, { taskToken: token }).callsFakeOnce(() => {
      // The answer went through, and meanwhile a retried start-transform stored its own token.
      fixture.aws.parameters.set(name, { value: newer, type: 'SecureString' });
      return {};
    });
    const outcome = await handleTransformEvent(deps, settings, stateChange(jobName, 'Completed'));
    expect(outcome).toMatchObject({ action: 'succeeded', late: false });
    expect(fixture.aws.requests('SendTaskSuccessCommand').map((request) => request.taskToken)).toEqual([token]);
    expect(fixture.aws.parameters.get(name)?.value).toBe(newer);
  });

  it('rejects an event that is not a transform job state change', async () => {
    const { deps } = await transformedRun('c8');
    await expect(handleTransformEvent(deps, settings, { source: 'aws.s3' } as unknown as TransformJobEvent)).rejects.toMatchObject({ name: 'InputError' });
  });
});
