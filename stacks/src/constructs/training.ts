import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { type KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { buildTrainingDefinition } from '@airfill/workflow';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { type TrainingCode } from '../assets/training-code';
import { LOG_DELIVERY_ACTIONS, TRACING_ACTIONS } from '../iam/boundary';
import { arn } from '../iam/policy';
import { WorkloadRole } from '../iam/role';
import { type Naming } from '../naming';
import { type Storage } from './storage';
import { TRAINING_PREFIX, type TrainingFunctions } from './training-functions';

/** Props of {@link Training}. */
export interface TrainingProps {
  naming: Naming;
  storage: Storage;
  key: KmsKey;
  functions: TrainingFunctions;
  /** sourcedir.tar.gz with train.py, the training jobs' `code` channel. */
  code: TrainingCode;
  /** The XGBoost 1.7-1 image of the region. */
  imageUri: string;
}

/** The managed rule Step Functions creates to hear of training jobs (`createTrainingJob.sync`). */
const SYNC_RULE = 'StepFunctionsGetEventsForSageMakerTrainingJobsRule';

/**
 * The training workflow (DESIGN section 5, "in the cloud"): the
 * `@airfill/workflow` training definition (the same ASL `airfill retrain`
 * runs locally) with logging and tracing; the SageMaker training role, which
 * reads the run's rows and the code and writes the jobs' output under
 * `training/`, and nothing else; the state machine's role, which may invoke
 * the five training Lambdas, run training jobs under the environment's
 * prefix, and pass the training role to SageMaker only; and the retraining
 * schedule, one execution per trained parameter (weekly by default,
 * disabled by config rather than left out).
 */
export class Training extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly role: WorkloadRole;
  readonly trainingRole: WorkloadRole;
  readonly schedules: SchedulerSchedule[];
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: TrainingProps) {
    super(scope, id);
    const { naming, storage, key, functions } = props;
    const config = naming.config.training;
    const fns = functions.all;
    const bucket = storage.bucketArn;

    const asset = new TerraformAsset(this, 'code-asset', { path: props.code.path, type: AssetType.FILE });
    const code = new S3Object(this, 'code', {
      bucket: storage.bucketName,
      key: `${TRAINING_PREFIX}code/${props.code.sha256.slice(0, 12)}/sourcedir.tar.gz`,
      source: asset.path,
      sourceHash: props.code.sha256,
      kmsKeyId: key.arn,
      serverSideEncryption: 'aws:kms',
    });

    this.trainingRole = new WorkloadRole(this, 'jobs', {
      naming,
      name: 'training',
      service: 'sagemaker.amazonaws.com',
      description: 'SageMaker training jobs of the airfill training workflow',
      statements: [
        { Sid: 'ReadRowsAndCode', Effect: 'Allow', Action: 's3:GetObject', Resource: [`${bucket}/${TRAINING_PREFIX}*/data/*`, `${bucket}/${TRAINING_PREFIX}code/*`] },
        { Sid: 'WriteModels', Effect: 'Allow', Action: 's3:PutObject', Resource: `${bucket}/${TRAINING_PREFIX}*/output/*` },
        {
          Sid: 'ListRowsAndCode',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: bucket,
          Condition: { StringLike: { 's3:prefix': [`${TRAINING_PREFIX}*`] } },
        },
        { Sid: 'UseDataKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: key.arn },
        {
          Sid: 'TrainingLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Resource: [arn(naming, 'logs', 'log-group:/aws/sagemaker/TrainingJobs'), arn(naming, 'logs', 'log-group:/aws/sagemaker/TrainingJobs:log-stream:*')],
        },
        {
          Sid: 'TrainingMetrics',
          Effect: 'Allow',
          Action: 'cloudwatch:PutMetricData',
          // PutMetricData has no resource-level permissions; the namespace condition narrows it.
          Resource: '*',
          Condition: { StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/TrainingJobs' } },
        },
      ],
    });

    const stateMachineName = naming.name('training');
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/vendedlogs/states/${stateMachineName}`,
      retentionInDays: naming.config.functions.logRetentionDays,
      kmsKeyId: key.arn,
    });
    const invoked = Object.values(fns);
    this.role = new WorkloadRole(this, 'execution', {
      naming,
      name: 'training-workflow',
      service: 'states.amazonaws.com',
      description: 'Step Functions: the airfill training workflow',
      statements: [
        { Sid: 'InvokeTrainingFunctions', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: invoked.flatMap((fn) => [fn.arn, `${fn.arn}:*`]) },
        {
          Sid: 'RunTrainingJobs',
          Effect: 'Allow',
          Action: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags'],
          Resource: arn(naming, 'sagemaker', `training-job/${naming.trainingJobPrefix}*`),
        },
        {
          Sid: 'PassTrainingRole',
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: this.trainingRole.arn,
          Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        },
        {
          // createTrainingJob.sync waits on a rule Step Functions manages in the account.
          Sid: 'SyncRule',
          Effect: 'Allow',
          Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
          Resource: arn(naming, 'events', `rule/${SYNC_RULE}`),
        },
        { Sid: 'LogDelivery', Effect: 'Allow', Action: [...LOG_DELIVERY_ACTIONS], Resource: '*' },
        { Sid: 'Tracing', Effect: 'Allow', Action: [...TRACING_ACTIONS], Resource: '*' },
      ],
    });

    const definition = buildTrainingDefinition({
      functions: {
        exportTrainingData: fns['export-training-data'].arn,
        calibrateCandidate: fns['calibrate-candidate'].arn,
        evaluateCandidate: fns['evaluate-candidate'].arn,
        registerModel: fns['register-model'].arn,
        recordTrainingFailure: fns['record-training-failure'].arn,
      },
      training: {
        image: props.imageUri,
        roleArn: this.trainingRole.arn,
        instanceType: config.instanceType,
        volumeSizeGb: config.volumeSizeGb,
        maxRuntimeSeconds: config.maxRuntimeSeconds,
        codeUri: `s3://${code.bucket}/${TRAINING_PREFIX}code/${props.code.sha256.slice(0, 12)}/`,
        maxConcurrency: config.maxConcurrency,
      },
    });
    this.stateMachine = new SfnStateMachine(this, 'machine', {
      name: stateMachineName,
      type: 'STANDARD',
      roleArn: this.role.arn,
      definition: JSON.stringify(definition),
      loggingConfiguration: { logDestination: `${this.logGroup.arn}:*`, level: 'ERROR', includeExecutionData: false },
      tracingConfiguration: { enabled: true },
      dependsOn: [this.role.policy, code],
    });

    const scheduler = new WorkloadRole(this, 'schedule', {
      naming,
      name: 'training-schedule',
      service: 'scheduler.amazonaws.com',
      description: 'EventBridge Scheduler: starts the airfill training workflow',
      statements: [{ Sid: 'StartTraining', Effect: 'Allow', Action: 'states:StartExecution', Resource: this.stateMachine.arn }],
    });
    const parameters = naming.config.training.parameters ?? naming.config.pipeline.parameters;
    this.schedules = parameters.map(
      (parameter, index) =>
        new SchedulerSchedule(this, `retrain-${index}`, {
          name: naming.name(`training-${index + 1}`),
          description: `Retrain the ${parameter} model`,
          scheduleExpression: config.schedule.expression,
          scheduleExpressionTimezone: config.schedule.timezone,
          state: config.schedule.enabled ? 'ENABLED' : 'DISABLED',
          // Spread the parameters' runs over an hour, so their training jobs do not queue on the quota at once.
          flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 60 },
          target: {
            arn: this.stateMachine.arn,
            roleArn: scheduler.arn,
            input: JSON.stringify({ trigger: 'schedule', parameter }),
            retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
          },
        }),
    );
  }
}
