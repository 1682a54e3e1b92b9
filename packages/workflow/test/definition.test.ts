import validator from 'asl-validator';
import { buildPipelineDefinition, LAMBDA_WAIT_FOR_TOKEN, SNS_PUBLISH, STATES, TRANSIENT_ERRORS, transformEventPattern, type AslMapState, type AslTaskState } from '../src';

const functions = {
  qualityCheck: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-quality-check',
  queryMissing: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-query-missing',
  startTransform: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-start-transform',
  writePredictions: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-write-predictions',
  recordFailure: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-record-failure',
};

const tasks = (definition: ReturnType<typeof buildPipelineDefinition>) =>
  Object.entries(definition.States).filter((entry): entry is [string, AslTaskState] => entry[1].Type === 'Task');

describe('buildPipelineDefinition', () => {
  const definition = buildPipelineDefinition({ functions, transformTimeoutSeconds: 7200, heartbeatSeconds: 900 });

  it('produces a definition asl-validator accepts', () => {
    const { isValid, errorsText } = validator(JSON.parse(JSON.stringify(definition)));
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('uses JSONPath only, so the local engine can run it', () => {
    expect(definition.QueryLanguage).toBe('JSONPath');
    expect(JSON.stringify(definition)).not.toMatch(/\{%|JSONata/);
  });

  it('waits for the task token in start-transform with the configured timeout and heartbeat', () => {
    const state = definition.States[STATES.startTransform] as AslTaskState;
    expect(state.Resource).toBe(LAMBDA_WAIT_FOR_TOKEN);
    expect(state.TimeoutSeconds).toBe(7200);
    expect(state.HeartbeatSeconds).toBe(900);
    expect(state.Parameters).toEqual({
      FunctionName: functions.startTransform,
      Payload: { 'executionId.$': '$$.Execution.Id', 'run.$': '$', 'taskToken.$': '$$.Task.Token' },
    });
  });

  it('starts with quality-check, which keeps the execution input for query-missing and puts its result at $.quality', () => {
    expect(definition.StartAt).toBe(STATES.qualityCheck);
    const state = definition.States[STATES.qualityCheck] as AslTaskState;
    expect(state).toMatchObject({
      Type: 'Task',
      Resource: functions.qualityCheck,
      Parameters: { 'executionId.$': '$$.Execution.Id', 'input.$': '$' },
      ResultPath: '$.quality',
      Next: STATES.queryMissing,
    });
    expect(state.Retry?.[0]?.ErrorEquals).toEqual([...TRANSIENT_ERRORS, 'States.Timeout']);
    expect(state.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATES.recordFailure }]);
  });

  describe('with an alert topic', () => {
    const topic = 'arn:aws:sns:eu-west-1:123456789012:airfill-dev-alarms';
    const notifying = buildPipelineDefinition({ functions, transformTimeoutSeconds: 600, alertTopicArn: topic });
    const map = notifying.States[STATES.notifyQualityAlerts] as AslMapState;

    it('is still a definition asl-validator accepts', () => {
      const { isValid, errorsText } = validator(JSON.parse(JSON.stringify(notifying)));
      expect(errorsText('\n')).toBe('');
      expect(isValid).toBe(true);
    });

    it("publishes each of quality-check's alerts as its own message, between quality-check and query-missing", () => {
      expect((notifying.States[STATES.qualityCheck] as AslTaskState).Next).toBe(STATES.notifyQualityAlerts);
      expect(map).toMatchObject({ Type: 'Map', ItemsPath: '$.quality.alerts', ResultPath: null, Next: STATES.queryMissing });
      expect(map.ItemProcessor.States[STATES.publishQualityAlert]).toMatchObject({
        Type: 'Task',
        Resource: SNS_PUBLISH,
        Parameters: { TopicArn: topic, 'Subject.$': '$.subject', 'Message.$': '$.message' },
        End: true,
      });
    });

    it('retries a throttled publish and goes on to the fill when publishing fails', () => {
      const publish = map.ItemProcessor.States[STATES.publishQualityAlert] as AslTaskState;
      expect(publish.Retry?.[0]).toMatchObject({ ErrorEquals: expect.arrayContaining(['SNS.ThrottledException']), BackoffRate: 2, JitterStrategy: 'FULL' });
      expect(map.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.notifyError', Next: STATES.queryMissing }]);
    });

    it('is left out without a topic', () => {
      expect(definition.States).not.toHaveProperty(STATES.notifyQualityAlerts);
    });
  });

  it('leaves the heartbeat out unless asked for', () => {
    const plain = buildPipelineDefinition({ functions, transformTimeoutSeconds: 600 });
    expect(plain.States[STATES.startTransform]).not.toHaveProperty('HeartbeatSeconds');
  });

  it('gives every working Task a jittered backoff retry on the named transient errors and a catch to the failure recorder', () => {
    for (const [name, state] of tasks(definition)) {
      const retry = state.Retry?.[0];
      expect({ name, errors: retry?.ErrorEquals }).toEqual({ name, errors: expect.arrayContaining([...TRANSIENT_ERRORS]) });
      expect(retry).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL' });
      expect(retry?.ErrorEquals).not.toContain('States.ALL');
      const target = name === STATES.recordFailure ? STATES.failed : STATES.recordFailure;
      expect({ name, catch: state.Catch }).toEqual({ name, catch: [expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: target })] });
    }
  });

  it('never retries the transform wait on a timeout, which is a failure to record', () => {
    const state = definition.States[STATES.startTransform] as AslTaskState;
    expect(state.Retry?.flatMap((retrier) => retrier.ErrorEquals)).not.toContain('States.Timeout');
  });

  it('ends every failure path in a Fail state carrying the original error', () => {
    expect((definition.States[STATES.recordFailure] as AslTaskState).Next).toBe(STATES.failed);
    expect(definition.States[STATES.failed]).toEqual(expect.objectContaining({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' }));
  });

  it('passes the Lambda ARNs through unchanged', () => {
    const resources = tasks(definition).map(([, state]) => (state.Resource === LAMBDA_WAIT_FOR_TOKEN ? state.Parameters?.FunctionName : state.Resource));
    expect(resources.sort()).toEqual(Object.values(functions).sort());
  });

  it('rejects a timeout or heartbeat that cannot work', () => {
    expect(() => buildPipelineDefinition({ functions, transformTimeoutSeconds: 0 })).toThrow(RangeError);
    expect(() => buildPipelineDefinition({ functions, transformTimeoutSeconds: 600, heartbeatSeconds: 600 })).toThrow(/heartbeatSeconds/);
  });
});

describe('transformEventPattern', () => {
  it('matches only final state changes of jobs with the prefix', () => {
    expect(transformEventPattern('airfill-dev-')).toEqual({
      source: ['aws.sagemaker'],
      'detail-type': ['SageMaker Transform Job State Change'],
      detail: { TransformJobName: [{ prefix: 'airfill-dev-' }], TransformJobStatus: ['Completed', 'Failed', 'Stopped'] },
    });
  });

  it('refuses an empty prefix, which would match every job in the account', () => {
    expect(() => transformEventPattern('')).toThrow(/prefix/);
  });
});
