import type { AslCatcher, AslDefinition, AslMapState, AslState, AslTaskState } from './asl';
import { TIMEOUT_ERROR } from './errors';
import { transientRetry } from './retry';

/** What the definition is built from: resource ARNs and settings. */
export interface PipelineWorkflowProps {
  /** Lambda function ARNs. */
  functions: { qualityCheck: string; planParameters: string; queryMissing: string; startTransform: string; writePredictions: string; recordFailure: string };
  /**
   * The bucket plan-parameters writes the chunk manifest to
   * (`retrieved_from_db/<execution's run id>/chunks.json`): the Distributed
   * Map reads its items from there.
   */
  chunkManifestBucket: string;
  /** How long start-transform may wait for its task token. */
  transformTimeoutSeconds: number;
  /**
   * Optional heartbeat for the waiting task. Only set it when something sends
   * `SendTaskHeartbeat` more often than this, else the wait fails with
   * `States.HeartbeatTimeout`. @default no heartbeat
   */
  heartbeatSeconds?: number;
  /** Time limit of each short Lambda step. @default 900 (the Lambda maximum) */
  stepTimeoutSeconds?: number;
  /**
   * How many chunks are filled at the same time (the Distributed Map's
   * MaxConcurrency, over every parameter's chunks): each holds database
   * connections, a transform job's instances and, locally, memory for its
   * features. @default 2
   */
  maxConcurrency?: number;
  /**
   * The SNS topic quality alerts go to: with it, the state machine publishes
   * each alert QualityCheck raised as its own message (one per sensor and
   * episode). Without it, alerts stay in the database and the logs.
   */
  alertTopicArn?: string;
}

/** State names, exported so the local engine can override Tasks by name. */
export const STATES = {
  qualityCheck: 'QualityCheck',
  notifyQualityAlerts: 'NotifyQualityAlerts',
  publishQualityAlert: 'PublishQualityAlert',
  planParameters: 'PlanParameters',
  fillChunks: 'FillChunks',
  queryMissing: 'QueryMissing',
  anythingToFill: 'AnythingToFill',
  nothingToFill: 'NothingToFill',
  startTransform: 'StartTransform',
  writePredictions: 'WritePredictions',
  parameterFilled: 'ParameterFilled',
  recordFailure: 'RecordFailure',
  parameterFailed: 'ParameterFailed',
  checkOutcomes: 'CheckOutcomes',
  anyParameterFailed: 'AnyParameterFailed',
  describeFailures: 'DescribeFailures',
  done: 'Done',
  failed: 'Failed',
} as const;

/** What a chunk's run ends as in the Map's result (`$.outcomes`, in the order of the chunk manifest). */
export const PARAMETER_OUTCOMES = { succeeded: 'succeeded', failed: 'failed' } as const;

/** Chunks filled at the same time at most: Step Functions runs up to 10,000 child executions of a Distributed Map at once; 1,000 keeps a run's transform jobs and database connections within reason. */
export const MAX_CHUNK_CONCURRENCY = 1000;

/** The error an execution fails with when at least one chunk's run failed (the others' fills are kept). */
export const PARAMETERS_FAILED_ERROR = 'ParametersFailed';

/** Service integration that publishes one message to an SNS topic. */
export const SNS_PUBLISH = 'arn:aws:states:::sns:publish';

/** Service integration that hands a task token to the Lambda and waits for SendTask*. */
export const LAMBDA_WAIT_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** Every failure of a chunk's working step is recorded in that chunk's run, and the other chunks carry on. */
const toRecordFailure: AslCatcher[] = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATES.recordFailure }];

/** A failure outside any chunk's run (the plan, the Map itself) fails the execution with its error. */
const toFailed: AslCatcher[] = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATES.failed }];

/** A short Lambda step: the step time limit, retries on transient errors and timeouts, and where its failures go. */
function lambdaStep(
  stepTimeout: number,
  catchers: AslCatcher[],
  step: Pick<AslTaskState, 'Comment' | 'Resource' | 'Parameters' | 'ResultPath' | 'Next'>,
): AslTaskState {
  return { Type: 'Task', ...step, TimeoutSeconds: stepTimeout, Retry: transientRetry([TIMEOUT_ERROR]), Catch: catchers };
}

/** How a chunk's run ends: its outcome, as the Map's item result. */
const outcome = (value: string, comment: string): AslState => ({ Comment: comment, Type: 'Pass', Result: value, End: true });

/**
 * The states of one chunk's run (the Map's item processor, a child
 * execution of its own): one parameter over one time window, the
 * single-parameter pipeline as it was:
 *
 * QueryMissing -> AnythingToFill? -(0)-> NothingToFill
 *                                 -(n)-> StartTransform (waits for the task token) -> WritePredictions -> ParameterFilled
 * any Task error -> RecordFailure (this chunk's run failed, its claims released) -> ParameterFailed
 *
 * Each ends in a Pass whose result is the run's outcome, never in a Fail: a
 * failed child would fail the Map Run and stop the other chunks mid-run.
 * The item carries the parent execution's id (`$.executionId`): inside a
 * child, `$$.Execution.Id` is the child's, and the run ids, the ledger and
 * the failure recorder belong to the parent.
 */
function parameterStates(props: PipelineWorkflowProps, stepTimeout: number): Record<string, AslState> {
  const startTransform: AslTaskState = {
    Comment: 'Writes features to input_batch/, starts the SageMaker batch transform on the parameter\'s model and waits until the transform-callback sends the task token back.',
    Type: 'Task',
    Resource: LAMBDA_WAIT_FOR_TOKEN,
    Parameters: {
      FunctionName: props.functions.startTransform,
      Payload: {
        'executionId.$': '$.executionId',
        'run.$': '$',
        'taskToken.$': '$$.Task.Token',
      },
    },
    ResultPath: '$.transform',
    TimeoutSeconds: props.transformTimeoutSeconds,
    ...(props.heartbeatSeconds ? { HeartbeatSeconds: props.heartbeatSeconds } : {}),
    // No retry on States.Timeout here: a transform that ran out of time is a failure to record, not to repeat.
    Retry: transientRetry(),
    Catch: toRecordFailure,
    Next: STATES.writePredictions,
  };
  return {
    [STATES.queryMissing]: lambdaStep(stepTimeout, toRecordFailure, {
      Comment: "Opens the parameter's run, claims its missing readings, writes them and their context to retrieved_from_db/.",
      Resource: props.functions.queryMissing,
      Parameters: { 'executionId.$': '$.executionId', 'parameter.$': '$.parameter', 'chunk.$': '$.chunk', 'live.$': '$.live', 'input.$': '$.input' },
      Next: STATES.anythingToFill,
    }),
    [STATES.anythingToFill]: {
      Type: 'Choice',
      // Nothing missing still goes on when the live check hid values to predict.
      Choices: [{ And: [{ Variable: '$.found', NumericEquals: 0 }, { Variable: '$.probes', NumericEquals: 0 }], Next: STATES.nothingToFill }],
      Default: STATES.startTransform,
    },
    [STATES.nothingToFill]: outcome(PARAMETER_OUTCOMES.succeeded, 'No missing readings of the parameter and nothing for the live check: query-missing already closed its run with found = 0.'),
    [STATES.startTransform]: startTransform,
    [STATES.writePredictions]: lambdaStep(stepTimeout, toRecordFailure, {
      Comment: "Stores the parameter's predicted_values_output/ in imputations in one transaction and closes its run.",
      Resource: props.functions.writePredictions,
      Parameters: { 'executionId.$': '$.executionId', 'run.$': '$' },
      ResultPath: '$.written',
      Next: STATES.parameterFilled,
    }),
    [STATES.parameterFilled]: outcome(PARAMETER_OUTCOMES.succeeded, "The parameter's predictions are stored and its run closed."),
    [STATES.recordFailure]: {
      Comment: "Marks the parameter's run failed with the error and releases its claims, so the next run picks its readings up.",
      Type: 'Task',
      Resource: props.functions.recordFailure,
      Parameters: { 'executionId.$': '$.executionId', 'parameter.$': '$.parameter', 'chunk.$': '$.chunk', 'error.$': '$.error' },
      ResultPath: '$.recorded',
      TimeoutSeconds: stepTimeout,
      Retry: transientRetry([TIMEOUT_ERROR]),
      // Even when recording fails, the parameter's outcome is a failure, never a success.
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.recordError', Next: STATES.parameterFailed }],
      Next: STATES.parameterFailed,
    },
    [STATES.parameterFailed]: outcome(PARAMETER_OUTCOMES.failed, "The chunk's run failed; the other chunks carry on and the execution fails at the end."),
  };
}

/**
 * Builds the one pipeline state machine (DESIGN section 4), JSONPath only so
 * the local engine runs the very same definition:
 *
 * QualityCheck [-> NotifyQualityAlerts (Map: SNS publish per alert)] ->
 * PlanParameters (which parameters a current model fills, each cut into
 *   chunks: time windows of at most a run's worth of missing readings,
 *   listed in a manifest on S3) ->
 * FillChunks: a Distributed Map over the manifest, `maxConcurrency` at a
 *   time, each chunk a child execution running the single-parameter run
 *   (see `parameterStates`) on its window, ending in its outcome ->
 * CheckOutcomes -> AnyParameterFailed? -(no)-> Done
 *                                      -(yes)-> DescribeFailures -> Failed (ParametersFailed)
 * QualityCheck, PlanParameters or the Map itself failing -> Failed (the original error)
 *
 * QualityCheck comes first, over every parameter of the window at once: the
 * values it finds invalid become missing, so the fills that follow fill
 * them. Its result lands at `$.quality`; its own record (`quality_checks`)
 * stays unfinished when it fails, and the failed execution raises the alarm.
 *
 * A chunk's failure is recorded in its own run and never stops the others:
 * their predictions are written before the execution fails. Run ids are
 * derived from the execution id, the parameter and the chunk inside the
 * Lambdas, so a retried step, and the failure recorder, find the same run.
 * The manifest is read from S3 rather than passed in the state, so a
 * backfill of thousands of chunks stays far below the state's size limit.
 */
export function buildPipelineDefinition(props: PipelineWorkflowProps): AslDefinition {
  if (!Number.isInteger(props.transformTimeoutSeconds) || props.transformTimeoutSeconds <= 0) {
    throw new RangeError(`transformTimeoutSeconds must be a positive integer, got ${props.transformTimeoutSeconds}`);
  }
  if (props.heartbeatSeconds !== undefined && !(Number.isInteger(props.heartbeatSeconds) && props.heartbeatSeconds > 0 && props.heartbeatSeconds < props.transformTimeoutSeconds)) {
    throw new RangeError(`heartbeatSeconds must be a positive integer below transformTimeoutSeconds, got ${props.heartbeatSeconds}`);
  }
  const maxConcurrency = props.maxConcurrency ?? 2;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > MAX_CHUNK_CONCURRENCY) {
    throw new RangeError(`maxConcurrency must be an integer from 1 to ${MAX_CHUNK_CONCURRENCY}, got ${props.maxConcurrency}`);
  }
  if (!props.chunkManifestBucket) throw new RangeError('chunkManifestBucket must name the bucket plan-parameters writes the chunk manifest to');
  const stepTimeout = props.stepTimeoutSeconds ?? 900;

  const fillChunks: AslMapState = {
    Comment: "Fills each chunk of the plan (one parameter, one time window) in a run and child execution of its own, with its own claims, model and transform job; a failed chunk's run is recorded and the others carry on.",
    Type: 'Map',
    ItemReader: {
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSON' },
      Parameters: { Bucket: props.chunkManifestBucket, 'Key.$': '$.plan.chunks.key' },
    },
    ItemSelector: {
      'executionId.$': '$$.Execution.Id',
      'parameter.$': '$$.Map.Item.Value.parameter',
      'chunk.$': '$$.Map.Item.Value.chunk',
      'live.$': '$$.Map.Item.Value.live',
      'input.$': '$$.Map.Item.Value.input',
    },
    MaxConcurrency: maxConcurrency,
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: STATES.queryMissing, States: parameterStates(props, stepTimeout) },
    Label: STATES.fillChunks,
    ResultPath: '$.outcomes',
    Catch: toFailed,
    Next: STATES.checkOutcomes,
  };

  const notifyQualityAlerts = (topicArn: string): AslMapState => ({
    Comment: 'Publishes each alert QualityCheck raised as its own message (one per sensor and episode). A failed publish does not stop the fill.',
    Type: 'Map',
    ItemsPath: '$.quality.alerts',
    MaxConcurrency: 5,
    ItemProcessor: {
      ProcessorConfig: { Mode: 'INLINE' },
      StartAt: STATES.publishQualityAlert,
      States: {
        [STATES.publishQualityAlert]: {
          Type: 'Task',
          Resource: SNS_PUBLISH,
          Parameters: { TopicArn: topicArn, 'Subject.$': '$.subject', 'Message.$': '$.message' },
          ResultPath: null,
          Retry: [{ ErrorEquals: ['SNS.ThrottledException', 'SNS.InternalErrorException', 'SNS.KmsThrottlingException'], IntervalSeconds: 2, MaxAttempts: 4, BackoffRate: 2, JitterStrategy: 'FULL' }],
          End: true,
        },
      },
    },
    ResultPath: null,
    // The alerts are stored and logged already: a topic that cannot be reached must not cost the run its fill.
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.notifyError', Next: STATES.planParameters }],
    Next: STATES.planParameters,
  });

  return {
    Comment: 'airfill: fill missing sensor readings of every parameter with model predictions (one definition for the cloud and the local engine).',
    QueryLanguage: 'JSONPath',
    StartAt: STATES.qualityCheck,
    States: {
      [STATES.qualityCheck]: lambdaStep(stepTimeout, toFailed, {
        Comment: 'Checks every parameter of the window: stores flags, turns invalid values into missing (raw kept), raises one alert per sensor and episode.',
        Resource: props.functions.qualityCheck,
        Parameters: { 'executionId.$': '$$.Execution.Id', 'input.$': '$' },
        ResultPath: '$.quality',
        Next: props.alertTopicArn ? STATES.notifyQualityAlerts : STATES.planParameters,
      }),
      ...(props.alertTopicArn ? { [STATES.notifyQualityAlerts]: notifyQualityAlerts(props.alertTopicArn) } : {}),
      [STATES.planParameters]: lambdaStep(stepTimeout, toFailed, {
        Comment: 'Lists the parameters to fill: stored (or named in the input) and filled by a current model; the others are reported as without a model.',
        Resource: props.functions.planParameters,
        Parameters: { 'executionId.$': '$$.Execution.Id', 'input.$': '$' },
        ResultPath: '$.plan',
        Next: STATES.fillChunks,
      }),
      [STATES.fillChunks]: fillChunks,
      [STATES.checkOutcomes]: {
        Comment: 'Whether any chunk failed: its outcome is in $.outcomes, in the order of the chunk manifest.',
        Type: 'Pass',
        Parameters: { 'anyFailed.$': `States.ArrayContains($.outcomes, '${PARAMETER_OUTCOMES.failed}')` },
        ResultPath: '$.check',
        Next: STATES.anyParameterFailed,
      },
      [STATES.anyParameterFailed]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.check.anyFailed', BooleanEquals: true, Next: STATES.describeFailures }],
        Default: STATES.done,
      },
      [STATES.done]: { Type: 'Succeed' },
      [STATES.describeFailures]: {
        Comment: 'Names the failed chunks in the error the execution fails with; the failed runs hold their errors in the ledger.',
        Type: 'Pass',
        Parameters: {
          Error: PARAMETERS_FAILED_ERROR,
          'Cause.$':
            "States.Format('filling failed for at least one chunk: parameters {}, {} chunks, outcomes in manifest order {}; each failed run is in the ledger with its error, and its readings are free for the next run', States.JsonToString($.plan.parameters), $.plan.chunks.count, States.JsonToString($.outcomes))",
        },
        ResultPath: '$.error',
        Next: STATES.failed,
      },
      [STATES.failed]: {
        Comment: 'Fails the execution with the error, so a failure is never reported as success.',
        Type: 'Fail',
        ErrorPath: '$.error.Error',
        CausePath: '$.error.Cause',
      },
    },
  };
}
