import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { transformEventPattern } from '@airfill/workflow';
import { LocalEventBus, LocalParameterStore, LocalTaskTokens, TaskFailedError, type BusEvent } from '../src';

describe('the local task tokens (Step Functions .waitForTaskToken)', () => {
  it('ends the wait with SendTaskSuccess output, once; a second answer is TaskTimedOut', async () => {
    const tokens = new LocalTaskTokens();
    const waiting = tokens.issue();
    await tokens.client.send(new SendTaskSuccessCommand({ taskToken: waiting.token, output: JSON.stringify({ predicted: 3 }) }));
    await expect(waiting.result).resolves.toEqual({ predicted: 3 });
    await expect(tokens.client.send(new SendTaskSuccessCommand({ taskToken: waiting.token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    expect(tokens.waiting).toBe(0);
  });

  it('fails the wait with the error SendTaskFailure names', async () => {
    const tokens = new LocalTaskTokens();
    const waiting = tokens.issue();
    await tokens.client.send(new SendTaskFailureCommand({ taskToken: waiting.token, error: 'OutputValidationError', cause: '2 missing ids' }));
    await expect(waiting.result).rejects.toEqual(new TaskFailedError('OutputValidationError', '2 missing ids'));
  });

  it('ends the wait of an expired token with States.Timeout; answers TaskTimedOut for it later, InvalidToken for a token never issued', async () => {
    const tokens = new LocalTaskTokens();
    const waiting = tokens.issue();
    tokens.expire(waiting.token);
    await expect(waiting.result).rejects.toMatchObject({ name: 'States.Timeout' });
    await expect(tokens.client.send(new SendTaskSuccessCommand({ taskToken: waiting.token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(tokens.client.send(new SendTaskSuccessCommand({ taskToken: 'forged', output: '{}' }))).rejects.toMatchObject({ name: 'InvalidToken' });
  });
});

describe('the local parameter store (SSM)', () => {
  it('keeps, reads, overwrites only when asked, and deletes parameters', async () => {
    const { client } = new LocalParameterStore();
    await client.send(new PutParameterCommand({ Name: '/a/b', Value: 'one', Type: 'SecureString' }));
    await expect(client.send(new PutParameterCommand({ Name: '/a/b', Value: 'two', Type: 'SecureString' }))).rejects.toMatchObject({ name: 'ParameterAlreadyExists' });
    await client.send(new PutParameterCommand({ Name: '/a/b', Value: 'two', Type: 'SecureString', Overwrite: true }));
    expect((await client.send(new GetParameterCommand({ Name: '/a/b', WithDecryption: true }))).Parameter?.Value).toBe('two');
    await client.send(new DeleteParameterCommand({ Name: '/a/b' }));
    await expect(client.send(new GetParameterCommand({ Name: '/a/b' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
    await expect(client.send(new DeleteParameterCommand({ Name: '/a/b' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
  });
});

describe('the local event bus (EventBridge)', () => {
  const event = (job: string, status: string): BusEvent => ({
    source: 'aws.sagemaker',
    'detail-type': 'SageMaker Transform Job State Change',
    detail: { TransformJobName: job, TransformJobStatus: status },
  });

  it('delivers only what the cloud rule pattern matches: our prefix, final states', async () => {
    const bus = new LocalEventBus();
    const seen: string[] = [];
    bus.addRule({ name: 'callback', pattern: transformEventPattern('airfill-local-') as never, target: async (e) => seen.push(`${String(e.detail.TransformJobName)}:${String(e.detail.TransformJobStatus)}`) });
    await bus.put(event('airfill-local-1', 'Completed'));
    await bus.put(event('airfill-local-2', 'InProgress'));
    await bus.put(event('someone-else-3', 'Failed'));
    await bus.put({ ...event('airfill-local-4', 'Stopped'), source: 'aws.batch' });
    expect(seen).toEqual(['airfill-local-1:Completed']);
  });

  it('retries a failing target twice, like Lambda asynchronous invocation, then gives up', async () => {
    const bus = new LocalEventBus();
    let calls = 0;
    const errors: number[] = [];
    bus.addRule({
      name: 'flaky',
      pattern: { source: ['aws.sagemaker'] },
      retryDelayMs: 1,
      onDeliveryError: (_error, attempt) => errors.push(attempt),
      target: async () => {
        calls += 1;
        throw new Error('crash');
      },
    });
    expect(await bus.put(event('x', 'Completed'))).toEqual({ delivered: 0, failed: 1 });
    expect(calls).toBe(3);
    expect(errors).toEqual([1, 2, 3]);
  });
});
