import type { AslCatcher, AslDefinition, AslMapState, AslRetrier, AslTaskState } from './asl';
import { TIMEOUT_ERROR, TRANSIENT_ERRORS } from './errors';

/** What the definition is built from: resource ARNs and settings. */
export interface PipelineWorkflowProps {
  /** Lambda function ARNs. */
  functions: { qualityCheck: string; queryMissing: string; startTransform: string; writePredictions: string; recordFailure: string };
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
  queryMissing: 'QueryMissing',
  anythingToFill: 'AnythingToFill',
  nothingToFill: 'NothingToFill',
  startTransform: 'StartTransform',
  writePredictions: 'WritePredictions',
  done: 'Done',
  recordFailure: 'RecordFailure',
  failed: 'Failed',
} as const;

/** Service integration that publishes one message to an SNS topic. */
export const SNS_PUBLISH = 'arn:aws:states:::sns:publish';

/** Service integration that hands a task token to the Lambda and waits for SendTask*. */
export const LAMBDA_WAIT_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** Retries for transient errors: exponential backoff with full jitter, so parallel executions do not retry in step. */
function transientRetry(extra: readonly string[] = []): AslRetrier[] {
  return [
    {
      ErrorEquals: [...TRANSIENT_ERRORS, ...extra],
      IntervalSeconds: 2,
      MaxAttempts: 4,
      BackoffRate: 2,
      MaxDelaySeconds: 60,
      JitterStrategy: 'FULL',
    },
  ];
}

/** Every failure of a working step is recorded before the execution fails. */
const toRecordFailure: AslCatcher[] = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATES.recordFailure }];

/**
 * Builds the one pipeline state machine (DESIGN section 4), JSONPath only so
 * the local engine runs the very same definition:
 *
 * QualityCheck [-> NotifyQualityAlerts (Map: SNS publish per alert)] -> QueryMissing
 *   -> AnythingToFill? -(0)-> NothingToFill (succeed)
 *                                 -(n)-> StartTransform (waits for the task token)
 *                                        -> WritePredictions -> Done
 * any Task error -> RecordFailure (ledger: run failed, claims released) -> Failed
 *
 * QualityCheck comes first, over every parameter of the window at once: the
 * values it finds invalid become missing, so the fill that follows fills
 * them. Its result lands at `$.quality`, leaving the execution input for
 * QueryMissing.
 *
 * The run id is derived from the execution id inside the Lambdas, so a retried
 * step, and the failure recorder, all find the same run.
 */
export function buildPipelineDefinition(props: PipelineWorkflowProps): AslDefinition {
  if (!Number.isInteger(props.transformTimeoutSeconds) || props.transformTimeoutSeconds <= 0) {
    throw new RangeError(`transformTimeoutSeconds must be a positive integer, got ${props.transformTimeoutSeconds}`);
  }
  if (props.heartbeatSeconds !== undefined && !(Number.isInteger(props.heartbeatSeconds) && props.heartbeatSeconds > 0 && props.heartbeatSeconds < props.transformTimeoutSeconds)) {
    throw new RangeError(`heartbeatSeconds must be a positive integer below transformTimeoutSeconds, got ${props.heartbeatSeconds}`);
  }
  const stepTimeout = props.stepTimeoutSeconds ?? 900;

  const startTransform: AslTaskState = {
    Comment: 'Writes features to input_batch/, starts the SageMaker batch transform and waits until the transform-callback sends the task token back.',
    Type: 'Task',
    Resource: LAMBDA_WAIT_FOR_TOKEN,
    Parameters: {
      FunctionName: props.functions.startTransform,
      Payload: {
        'executionId.$': '$$.Execution.Id',
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

  /** A short Lambda step: the step time limit, retries on transient errors and timeouts, failures to the recorder. */
  const lambdaStep = (step: Pick<AslTaskState, 'Comment' | 'Resource' | 'Parameters' | 'ResultPath' | 'Next'>): AslTaskState => ({
    Type: 'Task',
    ...step,
    TimeoutSeconds: stepTimeout,
    Retry: transientRetry([TIMEOUT_ERROR]),
    Catch: toRecordFailure,
  });

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
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.notifyError', Next: STATES.queryMissing }],
    Next: STATES.queryMissing,
  });

  return {
    Comment: 'airfill: fill missing sensor readings with model predictions (one definition for the cloud and the local engine).',
    QueryLanguage: 'JSONPath',
    StartAt: STATES.qualityCheck,
    States: {
      [STATES.qualityCheck]: lambdaStep({
        Comment: 'Checks every parameter of the window: stores flags, turns invalid values into missing (raw kept), raises one alert per sensor and episode.',
        Resource: props.functions.qualityCheck,
        Parameters: { 'executionId.$': '$$.Execution.Id', 'input.$': '$' },
        ResultPath: '$.quality',
        Next: props.alertTopicArn ? STATES.notifyQualityAlerts : STATES.queryMissing,
      }),
      ...(props.alertTopicArn ? { [STATES.notifyQualityAlerts]: notifyQualityAlerts(props.alertTopicArn) } : {}),
      [STATES.queryMissing]: lambdaStep({
        Comment: 'Opens the run, claims the missing readings, writes them and their context to retrieved_from_db/.',
        Resource: props.functions.queryMissing,
        Parameters: { 'executionId.$': '$$.Execution.Id', 'input.$': '$' },
        Next: STATES.anythingToFill,
      }),
      [STATES.anythingToFill]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.found', NumericEquals: 0, Next: STATES.nothingToFill }],
        Default: STATES.startTransform,
      },
      [STATES.nothingToFill]: {
        Comment: 'No missing readings: query-missing already closed the run with found = 0.',
        Type: 'Succeed',
      },
      [STATES.startTransform]: startTransform,
      [STATES.writePredictions]: lambdaStep({
        Comment: 'Stores predicted_values_output/ in imputations in one transaction and closes the run.',
        Resource: props.functions.writePredictions,
        Parameters: { 'executionId.$': '$$.Execution.Id', 'run.$': '$' },
        ResultPath: '$.written',
        Next: STATES.done,
      }),
      [STATES.done]: { Type: 'Succeed' },
      [STATES.recordFailure]: {
        Comment: 'Marks the run failed with the error and releases its claims, so the next run picks the readings up.',
        Type: 'Task',
        Resource: props.functions.recordFailure,
        Parameters: { 'executionId.$': '$$.Execution.Id', 'error.$': '$.error' },
        ResultPath: '$.recorded',
        TimeoutSeconds: stepTimeout,
        Retry: transientRetry([TIMEOUT_ERROR]),
        // Even when recording fails, the execution must fail, never succeed.
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.recordError', Next: STATES.failed }],
        Next: STATES.failed,
      },
      [STATES.failed]: {
        Comment: 'Fails the execution with the original error, so a failure is never reported as success.',
        Type: 'Fail',
        ErrorPath: '$.error.Error',
        CausePath: '$.error.Cause',
      },
    },
  };
}
