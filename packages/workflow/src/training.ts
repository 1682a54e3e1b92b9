import type { AslCatcher, AslDefinition, AslMapState, AslRetrier, AslTaskState } from './asl';
import { TIMEOUT_ERROR } from './errors';
import { transientRetry } from './retry';

/** How the training jobs run (SageMaker's built-in XGBoost 1.7-1 image, in its script mode). */
export interface TrainingJobSettings {
  /** The XGBoost 1.7-1 image of the region. */
  image: string;
  /** The role SageMaker runs the jobs with. */
  roleArn: string;
  instanceType: string;
  volumeSizeGb: number;
  /** SageMaker stops a job after this long. */
  maxRuntimeSeconds: number;
  /** The S3 prefix holding `sourcedir.tar.gz` (airfill's `train.py`), the jobs' `code` channel. */
  codeUri: string;
  /** Training jobs at once (the account's training-job quota for the instance type bounds it). */
  maxConcurrency: number;
}

/** What the training definition is built from: resource ARNs and settings. */
export interface TrainingWorkflowProps {
  /** Lambda function ARNs. */
  functions: {
    exportTrainingData: string;
    calibrateCandidate: string;
    evaluateCandidate: string;
    registerModel: string;
    recordTrainingFailure: string;
  };
  training: TrainingJobSettings;
  /** Time limit of each Lambda step. @default 900 (the Lambda maximum) */
  stepTimeoutSeconds?: number;
}

/** State names of the training workflow, exported so the local engine can override Tasks by name. */
export const TRAINING_STATES = {
  exportTrainingData: 'ExportTrainingData',
  trainModels: 'TrainModels',
  trainModel: 'TrainModel',
  calibrateCandidate: 'CalibrateCandidate',
  evaluateCandidate: 'EvaluateCandidate',
  gate: 'Gate',
  registerApproved: 'RegisterApproved',
  registerRejected: 'RegisterRejected',
  promoted: 'Promoted',
  rejected: 'Rejected',
  recordFailure: 'RecordTrainingFailure',
  failed: 'Failed',
} as const;

/** Runs a SageMaker training job and waits for it (Step Functions polls DescribeTrainingJob). */
export const SAGEMAKER_TRAINING_SYNC = 'arn:aws:states:::sagemaker:createTrainingJob.sync';

/**
 * What Step Functions raises when the CreateTrainingJob call itself fails
 * (throttling, a quota, a capacity shortage): the job was not created, so
 * the same name is free for a retry. A job that ran and failed raises
 * `States.TaskFailed` instead, which is recorded, not retried (its name is
 * taken, and a failed fit is worth a look).
 */
export const SAGEMAKER_API_ERROR = 'SageMaker.AmazonSageMakerException';

/** Where `train.py` finds itself inside the job: the `code` channel's tarball (network isolation: the container downloads nothing). */
export const TRAINING_SCRIPT_HYPERPARAMETERS = {
  sagemaker_program: 'train.py',
  sagemaker_submit_directory: '/opt/ml/input/data/code/sourcedir.tar.gz',
} as const;

/** Every failure of a working step is recorded before the execution fails. */
const toRecordFailure: AslCatcher[] = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: TRAINING_STATES.recordFailure }];

/** A Lambda step; without `resultPath` its result replaces the state (the engine mishandles an explicit "$"). */
function lambdaTask(resource: string, timeout: number, parameters: Record<string, unknown>, resultPath: string | undefined, next: string): AslTaskState {
  return {
    Type: 'Task',
    Resource: resource,
    Parameters: parameters,
    ...(resultPath ? { ResultPath: resultPath } : {}),
    TimeoutSeconds: timeout,
    Retry: transientRetry([TIMEOUT_ERROR]),
    Catch: toRecordFailure,
    Next: next,
  };
}

const apiRetry: AslRetrier[] = [{ ErrorEquals: [SAGEMAKER_API_ERROR], IntervalSeconds: 30, MaxAttempts: 3, BackoffRate: 2, MaxDelaySeconds: 300, JitterStrategy: 'FULL' }];

/** The Map of training jobs: the candidate and one model per cross-fit fold, in parallel. */
function trainingMap(training: TrainingJobSettings): AslMapState {
  const trainModel: AslTaskState = {
    Comment: 'One SageMaker training job (XGBoost 1.7-1, script mode: train.py with the recipe\u2019s hyper-parameters), waited for.',
    Type: 'Task',
    Resource: SAGEMAKER_TRAINING_SYNC,
    Parameters: {
      'TrainingJobName.$': '$.fit.jobName',
      AlgorithmSpecification: { TrainingImage: training.image, TrainingInputMode: 'File' },
      'HyperParameters.$': 'States.JsonMerge($.hyperParameters, $.script, false)',
      RoleArn: training.roleArn,
      InputDataConfig: [
        {
          ChannelName: 'train',
          ContentType: 'text/libsvm',
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', 'S3Uri.$': '$.fit.trainUri', S3DataDistributionType: 'FullyReplicated' } },
        },
        {
          ChannelName: 'code',
          ContentType: 'application/x-tar',
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: training.codeUri, S3DataDistributionType: 'FullyReplicated' } },
        },
      ],
      OutputDataConfig: { 'S3OutputPath.$': '$.fit.outputUri' },
      ResourceConfig: { InstanceType: training.instanceType, InstanceCount: 1, VolumeSizeInGB: training.volumeSizeGb },
      StoppingCondition: { MaxRuntimeInSeconds: training.maxRuntimeSeconds },
      // The job reads its channels and writes its model through SageMaker; the container itself needs no network.
      EnableNetworkIsolation: true,
    },
    ResultSelector: { 'jobName.$': '$.TrainingJobName', 'modelUri.$': '$.ModelArtifacts.S3ModelArtifacts' },
    // SageMaker stops the job at its MaxRuntime; this bounds the wait for its final state.
    TimeoutSeconds: training.maxRuntimeSeconds + 1800,
    Retry: apiRetry,
    End: true,
  };
  return {
    Comment: 'Trains the candidate and the three cross-fit fold models as parallel training jobs. A failed job fails the Map; the Catch records it.',
    Type: 'Map',
    ItemsPath: '$.fits',
    ItemSelector: { 'fit.$': '$$.Map.Item.Value', 'hyperParameters.$': '$.hyperParameters', script: { ...TRAINING_SCRIPT_HYPERPARAMETERS } },
    ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: TRAINING_STATES.trainModel, States: { [TRAINING_STATES.trainModel]: trainModel } },
    MaxConcurrency: training.maxConcurrency,
    ResultPath: '$.trained',
    Catch: toRecordFailure,
    Next: TRAINING_STATES.calibrateCandidate,
  };
}

/**
 * Builds the training state machine (DESIGN section 5, "in the cloud"),
 * JSONPath only so the local engine runs the very same definition:
 *
 * ExportTrainingData -> TrainModels (Map: candidate + 3 fold models, training jobs in parallel)
 *   -> CalibrateCandidate -> EvaluateCandidate -> Gate?
 *        -(promote)-> RegisterApproved -> Promoted
 *        -(refuse)--> RegisterRejected -> Rejected
 * any error -> RecordTrainingFailure (ledger: run failed, jobs stopped) -> Failed
 *
 * Every Lambda Task retries transient errors and catches everything into
 * the failure recorder; the training jobs retry only a failed create call,
 * and the Map catches a failed job. The run id is derived from the
 * execution id inside the Lambdas, so retries and the failure recorder all
 * find the same run.
 */
export function buildTrainingDefinition(props: TrainingWorkflowProps): AslDefinition {
  const { training, functions } = props;
  if (!Number.isInteger(training.maxConcurrency) || training.maxConcurrency < 1) {
    throw new RangeError(`training.maxConcurrency must be a positive integer, got ${training.maxConcurrency}`);
  }
  if (!Number.isInteger(training.maxRuntimeSeconds) || training.maxRuntimeSeconds < 60) {
    throw new RangeError(`training.maxRuntimeSeconds must be a whole number of seconds, at least 60, got ${training.maxRuntimeSeconds}`);
  }
  const timeout = props.stepTimeoutSeconds ?? 900;
  const step = { 'executionId.$': '$$.Execution.Id', 'run.$': '$' };
  const register = (approval: 'Approved' | 'Rejected', next: string) => ({
    Comment: `Registers the candidate as a model package (${approval}) in its parameter's group and in the models table${approval === 'Approved' ? ', makes it current and points the SSM parameter at it' : ''}.`,
    ...lambdaTask(functions.registerModel, timeout, { ...step, approval }, '$.registered', next),
  });
  return {
    Comment: 'airfill: train, calibrate, evaluate, gate and register a model for one parameter (one definition for the cloud and the local engine).',
    QueryLanguage: 'JSONPath',
    StartAt: TRAINING_STATES.exportTrainingData,
    States: {
      [TRAINING_STATES.exportTrainingData]: {
        Comment: 'Opens the training run, snapshots the data to training/<run>/, writes the candidate\u2019s and the folds\u2019 training rows (the serving feature code, masks copied from real outages).',
        // Its result is the state every later step reads (as query-missing's is for the fill).
        ...lambdaTask(functions.exportTrainingData, timeout, { 'executionId.$': '$$.Execution.Id', 'input.$': '$' }, undefined, TRAINING_STATES.trainModels),
      },
      [TRAINING_STATES.trainModels]: trainingMap(training),
      [TRAINING_STATES.calibrateCandidate]: {
        Comment: 'Scores each fold model on values masked in its fold: the cross-fitted residuals the intervals are calibrated on.',
        ...lambdaTask(functions.calibrateCandidate, timeout, step, '$.calibration', TRAINING_STATES.evaluateCandidate),
      },
      [TRAINING_STATES.evaluateCandidate]: {
        Comment: 'Scores the candidate, the current model and the baselines on the masked holdout by stratum, calibrates the intervals, and decides (the gate, stratum rule included).',
        ...lambdaTask(functions.evaluateCandidate, timeout, step, '$.evaluation', TRAINING_STATES.gate),
      },
      [TRAINING_STATES.gate]: {
        Comment: 'The evaluation gate\u2019s decision: approved candidates become current, refused ones are kept on record.',
        Type: 'Choice',
        Choices: [{ Variable: '$.evaluation.promote', BooleanEquals: true, Next: TRAINING_STATES.registerApproved }],
        Default: TRAINING_STATES.registerRejected,
      },
      [TRAINING_STATES.registerApproved]: register('Approved', TRAINING_STATES.promoted),
      [TRAINING_STATES.registerRejected]: register('Rejected', TRAINING_STATES.rejected),
      [TRAINING_STATES.promoted]: { Comment: 'The candidate is the parameter\u2019s current model.', Type: 'Succeed' },
      [TRAINING_STATES.rejected]: { Comment: 'The gate refused the candidate; the current model stays.', Type: 'Succeed' },
      [TRAINING_STATES.recordFailure]: {
        Comment: 'Marks the training run failed with the error and stops its training jobs still running.',
        Type: 'Task',
        Resource: functions.recordTrainingFailure,
        Parameters: { 'executionId.$': '$$.Execution.Id', 'error.$': '$.error' },
        ResultPath: '$.recorded',
        TimeoutSeconds: timeout,
        Retry: transientRetry([TIMEOUT_ERROR]),
        // Even when recording fails, the execution must fail, never succeed.
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.recordError', Next: TRAINING_STATES.failed }],
        Next: TRAINING_STATES.failed,
      },
      [TRAINING_STATES.failed]: {
        Comment: 'Fails the execution with the original error, so a failure is never reported as success.',
        Type: 'Fail',
        ErrorPath: '$.error.Error',
        CausePath: '$.error.Cause',
      },
    },
  };
}
