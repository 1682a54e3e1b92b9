import validator from 'asl-validator';
import {
  buildPipelineDefinition,
  LAMBDA_WAIT_FOR_TOKEN,
  SNS_PUBLISH,
  STATES,
  TRANSIENT_ERRORS,
  transformEventPattern,
  type AslDefinition,
  type AslMapState,
  type AslState,
  type AslTaskState,
} from '../src';

const BUCKET = 'airfill-dev-data-123456789012';

const functions = {
  qualityCheck: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-quality-check',
  planParameters: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-plan-parameters',
  queryMissing: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-query-missing',
  startTransform: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-start-transform',
  writePredictions: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-write-predictions',
  recordFailure: 'arn:aws:lambda:eu-west-1:123456789012:function:airfill-dev-record-failure',
};

/** Every state of the definition, those inside the Map's item processor too. */
function allStates(definition: AslDefinition): [string, AslState][] {
  return Object.entries(definition.States).flatMap(([name, state]): [string, AslState][] =>
    state.Type === 'Map' ? [[name, state], ...Object.entries(state.ItemProcessor.States)] : [[name, state]],
  );
}

const tasks = (definition: AslDefinition) => allStates(definition).filter((entry): entry is [string, AslTaskState] => entry[1].Type === 'Task');
const state = (definition: AslDefinition, name: string) => Object.fromEntries(allStates(definition))[name];

describe('buildPipelineDefinition', () => {
  const definition = buildPipelineDefinition({ functions, chunkManifestBucket: BUCKET, transformTimeoutSeconds: 7200, heartbeatSeconds: 900, maxConcurrency: 3 });
  const map = definition.States[STATES.fillChunks] as AslMapState;

  it('produces a definition asl-validator accepts', () => {
    const { isValid, errorsText } = validator(JSON.parse(JSON.stringify(definition)));
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('uses JSONPath only, so the local engine can run it', () => {
    expect(definition.QueryLanguage).toBe('JSONPath');
    expect(JSON.stringify(definition)).not.toMatch(/\{%|JSONata/);
  });

  it('plans the chunks after quality-check, then fills them in a Distributed Map over the manifest on S3, with the configured concurrency, one child execution per chunk', () => {
    expect((definition.States[STATES.qualityCheck] as AslTaskState).Next).toBe(STATES.planParameters);
    expect((definition.States[STATES.planParameters] as AslTaskState).Next).toBe(STATES.fillChunks);
    expect(map).toMatchObject({
      Type: 'Map',
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: BUCKET, 'Key.$': '$.plan.chunks.key' } },
      MaxConcurrency: 3,
      Label: STATES.fillChunks,
      ItemSelector: {
        'executionId.$': '$$.Execution.Id',
        'parameter.$': '$$.Map.Item.Value.parameter',
        'chunk.$': '$$.Map.Item.Value.chunk',
        'live.$': '$$.Map.Item.Value.live',
        'input.$': '$$.Map.Item.Value.input',
      },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: STATES.queryMissing },
    });
    // The items are read from S3, never carried in the state (whose size is limited).
    expect(map).not.toHaveProperty('ItemsPath');
    expect(buildPipelineDefinition({ functions, chunkManifestBucket: BUCKET, transformTimeoutSeconds: 600 }).States[STATES.fillChunks]).toMatchObject({ MaxConcurrency: 2 });
  });

  it("names the parent execution in every step of a chunk's child execution (inside it, $$.Execution.Id is the child's own)", () => {
    const inner = JSON.stringify(map.ItemProcessor.States);
    expect(inner).not.toContain('$$.Execution.Id');
    expect((state(definition, STATES.queryMissing) as AslTaskState).Parameters).toEqual({
      'executionId.$': '$.executionId',
      'parameter.$': '$.parameter',
      'chunk.$': '$.chunk',
      'live.$': '$.live',
      'input.$': '$.input',
    });
    expect((state(definition, STATES.writePredictions) as AslTaskState).Parameters).toEqual({ 'executionId.$': '$.executionId', 'run.$': '$' });
  });

  it('waits for the task token in start-transform with the configured timeout and heartbeat', () => {
    const start = state(definition, STATES.startTransform) as AslTaskState;
    expect(start.Resource).toBe(LAMBDA_WAIT_FOR_TOKEN);
    expect(start.TimeoutSeconds).toBe(7200);
    expect(start.HeartbeatSeconds).toBe(900);
    expect(start.Parameters).toEqual({
      FunctionName: functions.startTransform,
      Payload: { 'executionId.$': '$.executionId', 'run.$': '$', 'taskToken.$': '$$.Task.Token' },
    });
  });

  it('starts with quality-check over every parameter, which keeps the execution input for the plan and puts its result at $.quality', () => {
    expect(definition.StartAt).toBe(STATES.qualityCheck);
    const state = definition.States[STATES.qualityCheck] as AslTaskState;
    expect(state).toMatchObject({
      Type: 'Task',
      Resource: functions.qualityCheck,
      Parameters: { 'executionId.$': '$$.Execution.Id', 'input.$': '$' },
      ResultPath: '$.quality',
      Next: STATES.planParameters,
    });
    expect(state.Retry?.[0]?.ErrorEquals).toEqual([...TRANSIENT_ERRORS, 'States.Timeout']);
    // No parameter's run is open yet: a failed check fails the execution with its error (alarmed), nothing is claimed.
    expect(state.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATES.failed }]);
  });

  describe('with an alert topic', () => {
    const topic = 'arn:aws:sns:eu-west-1:123456789012:airfill-dev-alarms';
    const notifying = buildPipelineDefinition({ functions, chunkManifestBucket: BUCKET, transformTimeoutSeconds: 600, alertTopicArn: topic });
    const map = notifying.States[STATES.notifyQualityAlerts] as AslMapState;

    it('is still a definition asl-validator accepts', () => {
      const { isValid, errorsText } = validator(JSON.parse(JSON.stringify(notifying)));
      expect(errorsText('\n')).toBe('');
      expect(isValid).toBe(true);
    });

    it("publishes each of quality-check's alerts as its own message, between quality-check and the plan", () => {
      expect((notifying.States[STATES.qualityCheck] as AslTaskState).Next).toBe(STATES.notifyQualityAlerts);
      expect(map).toMatchObject({ Type: 'Map', ItemsPath: '$.quality.alerts', ResultPath: null, Next: STATES.planParameters });
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
      expect(map.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.notifyError', Next: STATES.planParameters }]);
    });

    it('is left out without a topic', () => {
      expect(definition.States).not.toHaveProperty(STATES.notifyQualityAlerts);
    });
  });

  it('leaves the heartbeat out unless asked for', () => {
    const plain = buildPipelineDefinition({ functions, chunkManifestBucket: BUCKET, transformTimeoutSeconds: 600 });
    expect(state(plain, STATES.startTransform)).not.toHaveProperty('HeartbeatSeconds');
  });

  it("gives every working Task a jittered backoff retry on the named transient errors; a parameter's steps catch into its failure recorder, the check and the plan into Failed", () => {
    for (const [name, task] of tasks(definition)) {
      const retry = task.Retry?.[0];
      expect({ name, errors: retry?.ErrorEquals }).toEqual({ name, errors: expect.arrayContaining([...TRANSIENT_ERRORS]) });
      expect(retry).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL' });
      expect(retry?.ErrorEquals).not.toContain('States.ALL');
      const target = name === STATES.planParameters || name === STATES.qualityCheck ? STATES.failed : name === STATES.recordFailure ? STATES.parameterFailed : STATES.recordFailure;
      expect({ name, catch: task.Catch }).toEqual({ name, catch: [expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: target })] });
    }
  });

  it("records a parameter's failure for that parameter and ends its item in a failed outcome, never in a Fail state that would stop the others", () => {
    const inner = Object.values(map.ItemProcessor.States);
    expect(inner.some((candidate) => candidate.Type === 'Fail' || candidate.Type === 'Succeed')).toBe(false);
    expect((state(definition, STATES.recordFailure) as AslTaskState).Parameters).toEqual({
      'executionId.$': '$.executionId',
      'parameter.$': '$.parameter',
      'chunk.$': '$.chunk',
      'error.$': '$.error',
    });
    expect((state(definition, STATES.recordFailure) as AslTaskState).Next).toBe(STATES.parameterFailed);
    expect(state(definition, STATES.parameterFailed)).toMatchObject({ Type: 'Pass', Result: 'failed', End: true });
    expect(state(definition, STATES.parameterFilled)).toMatchObject({ Type: 'Pass', Result: 'succeeded', End: true });
    expect(state(definition, STATES.nothingToFill)).toMatchObject({ Type: 'Pass', Result: 'succeeded', End: true });
  });

  it('never retries the transform wait on a timeout, which is a failure to record', () => {
    const start = state(definition, STATES.startTransform) as AslTaskState;
    expect(start.Retry?.flatMap((retrier) => retrier.ErrorEquals)).not.toContain('States.Timeout');
  });

  it('fails the execution after the Map when any parameter failed, and ends every failure path in a Fail state carrying the error', () => {
    expect(map.Next).toBe(STATES.checkOutcomes);
    expect(definition.States[STATES.anyParameterFailed]).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.check.anyFailed', BooleanEquals: true, Next: STATES.describeFailures }],
      Default: STATES.done,
    });
    expect(definition.States[STATES.failed]).toEqual(expect.objectContaining({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' }));
    expect(map.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: STATES.failed })]);
  });

  it('passes the Lambda ARNs through unchanged', () => {
    const resources = tasks(definition).map(([, task]) => (task.Resource === LAMBDA_WAIT_FOR_TOKEN ? task.Parameters?.FunctionName : task.Resource));
    expect(resources.sort()).toEqual(Object.values(functions).sort());
  });

  it('rejects a timeout, heartbeat or concurrency that cannot work', () => {
    expect(() => buildPipelineDefinition({ functions, chunkManifestBucket: BUCKET, transformTimeoutSeconds: 0 })).toThrow(RangeError);
    expect(() => buildPipelineDefinition({ functions, chunkManifestBucket: BUCKET, transformTimeoutSeconds: 600, heartbeatSeconds: 600 })).toThrow(/heartbeatSeconds/);
    expect(() => buildPipelineDefinition({ functions, chunkManifestBucket: BUCKET, transformTimeoutSeconds: 600, maxConcurrency: 0 })).toThrow(/maxConcurrency/);
    expect(() => buildPipelineDefinition({ functions, chunkManifestBucket: BUCKET, transformTimeoutSeconds: 600, maxConcurrency: 1001 })).toThrow(/maxConcurrency/);
    expect(() => buildPipelineDefinition({ functions, chunkManifestBucket: '', transformTimeoutSeconds: 600 })).toThrow(/chunkManifestBucket/);
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
