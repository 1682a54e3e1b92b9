import { type Naming, ENVIRONMENT_TAG } from '../naming';
import { mergeConditions, type PolicyStatement } from './policy';

/** Vended log delivery (Step Functions logging); these actions accept no resource ARNs (AWS documents "*"). */
export const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
] as const;

/** X-Ray tracing (Lambda active tracing, Step Functions); no resource-level permissions either. */
export const TRACING_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'] as const;

/** What Lambda does with a function's role to attach it to the VPC; these EC2 actions take no resource ARN. */
export const VPC_ATTACHMENT_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
] as const;

/**
 * The permissions boundary of one environment: the ceiling of every workload
 * role its stack creates (Lambdas, SageMaker, Step Functions, Scheduler, flow
 * logs). A deploy role may only create roles that carry it, so not even a
 * deploy role can mint a role stronger than this. Each statement is limited to
 * the environment's resources: by the `airfill-<env>-` name in the ARN, by the
 * `environment` tag where AWS assigns the ARN (the KMS key), and to the region.
 * Only actions AWS offers no resource-level permission for are on `*`.
 * A test checks every granted action of every role against it.
 */
export function boundaryStatements(naming: Naming): PolicyStatement[] {
  const p = naming.prefix;
  const inRegion = { StringEquals: { 'aws:RequestedRegion': naming.region } };
  const statement = (Sid: string, Action: string[], Resource: string | string[], extra?: PolicyStatement['Condition']): PolicyStatement => ({
    Sid,
    Effect: 'Allow',
    Action,
    Resource,
    Condition: mergeConditions(inRegion, extra),
  });
  const logGroups = [`/aws/lambda/${p}-*`, `/aws/vpc/${p}-*`, '/aws/sagemaker/TransformJobs', '/aws/sagemaker/TrainingJobs'];
  return [
    statement(
      'OwnLogGroups',
      ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      logGroups.flatMap((group) => [naming.arn('logs', `log-group:${group}`), naming.arn('logs', `log-group:${group}:log-stream:*`)]),
    ),
    statement('EnvironmentBuckets', ['s3:GetObject', 's3:PutObject', 's3:ListBucket'], [`arn:aws:s3:::${p}-*`, `arn:aws:s3:::${p}-*/*`]),
    statement('EnvironmentKey', ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], naming.arn('kms', 'key/*'), {
      StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: naming.environment },
    }),
    // The cluster resource id in the ARN is assigned by AWS; the role policy names it exactly.
    statement('DatabaseLogin', ['rds-db:connect'], naming.arn('rds-db', `dbuser:*/${naming.config.database.appUsername}`)),
    // The RDS-managed master secret is named by RDS (`rds!cluster-<id>`); the role policy names it exactly.
    statement('MasterSecret', ['secretsmanager:GetSecretValue'], naming.arn('secretsmanager', 'secret:rds!cluster-*')),
    statement('DeadLetters', ['sqs:SendMessage'], naming.arn('sqs', `${p}-*`)),
    statement('EnvironmentTopics', ['sns:Publish'], naming.arn('sns', `${p}-*`)),
    statement(
      'TransformJobs',
      ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob', 'sagemaker:AddTags'],
      naming.arn('sagemaker', `transform-job/${p}-*`),
    ),
    statement(
      'TrainingJobs',
      ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags'],
      naming.arn('sagemaker', `training-job/${p}-*`),
    ),
    statement('ModelPackages', ['sagemaker:CreateModelPackage', 'sagemaker:UpdateModelPackage'], [naming.arn('sagemaker', `model-package-group/${p}-*`), naming.arn('sagemaker', `model-package/${p}-*/*`)]),
    // createTrainingJob.sync: the rule Step Functions manages to hear of training jobs.
    statement('TrainingSyncRule', ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'], naming.arn('events', 'rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule')),
    // The SageMaker models start-transform creates for promoted models (their names: airfill-<env>-m-...).
    statement('ServingModels', ['sagemaker:CreateModel', 'sagemaker:DescribeModel', 'sagemaker:AddTags'], naming.arn('sagemaker', `model/${naming.servingModelPrefix}*`)),
    statement('ModelPointers', ['ssm:PutParameter', 'ssm:GetParameter'], naming.arn('ssm', `parameter${naming.modelPointerPath}/*`)),
    statement('PassEnvironmentRoles', ['iam:PassRole'], naming.arn('iam', `role/${p}-*`, { global: true })),
    statement('TaskTokens', ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:DeleteParameter'], naming.arn('ssm', `parameter${naming.tokenParameterPath}/*`)),
    statement(
      'Workflow',
      ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:StartExecution'],
      [naming.arn('states', `stateMachine:${p}-*`), naming.arn('states', `execution:${p}-*:*`)],
    ),
    // A Distributed Map's state machine watching, stopping and redriving its child executions (`execution:<name>/<label>:<id>`).
    statement('WorkflowExecutions', ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'], naming.arn('states', `execution:${p}-*:*`)),
    statement('InvokeEnvironmentFunctions', ['lambda:InvokeFunction'], [naming.arn('lambda', `function:${p}-*`), naming.arn('lambda', `function:${p}-*:*`)]),
    statement('TransformMetrics', ['cloudwatch:PutMetricData'], '*', { StringEquals: { 'cloudwatch:namespace': ['/aws/sagemaker/TransformJobs', '/aws/sagemaker/TrainingJobs'] } }),
    // AWS documents "*" as the only resource of these.
    statement('NoResourceLevelPermissions', [...VPC_ATTACHMENT_ACTIONS, ...LOG_DELIVERY_ACTIONS, ...TRACING_ACTIONS], '*'),
  ];
}

/** Every action the boundary allows (for tests and documentation). */
export function boundaryActions(naming: Naming): string[] {
  return boundaryStatements(naming).flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
}
