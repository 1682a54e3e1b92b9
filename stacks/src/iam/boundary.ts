import { type PolicyStatement } from './policy';

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

/** X-Ray tracing; no resource-level permissions either. */
export const TRACING_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'] as const;

/**
 * Every action an environment's roles may ever hold. The bootstrap stack
 * makes this the permissions boundary of each environment, and a deploy role
 * may only create roles that carry it: so even a deploy role (which writes
 * role policies) cannot mint a role stronger than this list. A test checks
 * that every action the stacks grant is in it.
 */
export const BOUNDARY_ACTIONS = [
  // Lambda logging and VPC attachment
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
  // Data
  's3:GetObject',
  's3:PutObject',
  's3:ListBucket',
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'rds-db:connect',
  'secretsmanager:GetSecretValue',
  'sqs:SendMessage',
  // Transform jobs and task tokens
  'sagemaker:CreateTransformJob',
  'sagemaker:DescribeTransformJob',
  'sagemaker:StopTransformJob',
  'sagemaker:AddTags',
  'iam:PassRole',
  'ssm:PutParameter',
  'ssm:GetParameter',
  'ssm:DeleteParameter',
  'states:SendTaskSuccess',
  'states:SendTaskFailure',
  'states:StartExecution',
  'lambda:InvokeFunction',
  // SageMaker execution role
  'logs:CreateLogGroup',
  'logs:DescribeLogStreams',
  'cloudwatch:PutMetricData',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
  'ecr:BatchCheckLayerAvailability',
  'ecr:GetAuthorizationToken',
  // Step Functions logging and tracing
  ...LOG_DELIVERY_ACTIONS,
  ...TRACING_ACTIONS,
] as const;

/** The boundary policy document's statements. */
export function boundaryStatements(region: string): PolicyStatement[] {
  return [
    {
      Sid: 'CeilingOfEnvironmentRoles',
      Effect: 'Allow',
      Action: [...BOUNDARY_ACTIONS],
      // A boundary is a ceiling; each role's own policy names the resources.
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': region } },
    },
  ];
}

/** Name of an environment's permissions boundary policy. */
export function boundaryPolicyName(environment: string): string {
  return `airfill-${environment}-boundary`;
}

/** ARN of an environment's permissions boundary policy. */
export function boundaryPolicyArn(accountId: string, environment: string): string {
  return `arn:aws:iam::${accountId}:policy/${boundaryPolicyName(environment)}`;
}
