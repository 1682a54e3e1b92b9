import { type Naming, ENVIRONMENT_TAG } from '../naming';
import { type PolicyCondition } from './policy';

/**
 * What the CI roles of one environment may do to its stack, service by service:
 * `read` is what `terraform plan` needs to refresh (metadata only, never the
 * data: no object bodies outside models/, no secret values, no parameters, no
 * messages, no log events), `write` what `terraform apply` adds. The plan role
 * gets `read`, the deploy role both. Resources are the environment's by name
 * (`airfill-<env>-*`), or by the `environment` tag where AWS assigns the ARN.
 */
export interface CiGrant {
  /** Becomes the statement's Sid (with Read/Write). */
  id: string;
  read: string[];
  write: string[];
  resources: string[];
  /** Conditions of both statements. */
  condition?: PolicyCondition;
  /** Conditions of the write statement only (e.g. a tag the created resource must carry). */
  writeCondition?: PolicyCondition;
  /** Why the resource is not an environment ARN pattern, where it is not. */
  why?: string;
}

/**
 * Read-only actions that AWS offers on `*` only (List/Describe calls without
 * resource-level permissions). They return configuration, never data.
 */
export const UNSCOPED_READ_ACTIONS = [
  'ec2:DescribeVpcs',
  'ec2:DescribeVpcAttribute',
  'ec2:DescribeSubnets',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeVpcEndpointServices',
  'ec2:DescribePrefixLists',
  'ec2:DescribeFlowLogs',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeNetworkAcls',
  'ec2:DescribeAvailabilityZones',
  'ec2:DescribeTags',
  'kms:ListAliases',
  'logs:DescribeLogGroups',
  'rds:DescribeDBEngineVersions',
  'rds:DescribeOrderableDBInstanceOptions',
  'sagemaker:ListTags',
] as const;

/** EC2 calls that create a resource: allowed only when the request tags it with the environment. */
export const EC2_CREATE_ACTIONS = [
  'ec2:CreateVpc',
  'ec2:CreateSubnet',
  'ec2:CreateRouteTable',
  'ec2:CreateSecurityGroup',
  'ec2:CreateVpcEndpoint',
  'ec2:CreateFlowLogs',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:AuthorizeSecurityGroupEgress',
] as const;

/** The grants of one environment's CI roles. */
export function ciGrants(naming: Naming): CiGrant[] {
  const p = naming.prefix;
  const tagged = { StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: naming.environment } };
  const taggedOnCreate = { StringEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG}`]: naming.environment } };
  const ec2 = naming.arn('ec2', '*');
  return [
    {
      id: 'Lambda',
      read: ['lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:GetFunctionCodeSigningConfig', 'lambda:GetFunctionConcurrency', 'lambda:GetPolicy', 'lambda:ListVersionsByFunction', 'lambda:ListTags', 'lambda:GetRuntimeManagementConfig', 'lambda:GetFunctionRecursionConfig'],
      write: ['lambda:CreateFunction', 'lambda:DeleteFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency', 'lambda:AddPermission', 'lambda:RemovePermission', 'lambda:TagResource', 'lambda:UntagResource'],
      resources: [naming.arn('lambda', `function:${p}-*`)],
    },
    {
      id: 'StepFunctions',
      read: ['states:DescribeStateMachine', 'states:ListStateMachineVersions', 'states:ListTagsForResource'],
      write: ['states:CreateStateMachine', 'states:UpdateStateMachine', 'states:DeleteStateMachine', 'states:TagResource', 'states:UntagResource'],
      resources: [naming.arn('states', `stateMachine:${p}-*`)],
    },
    {
      id: 'Queues',
      read: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ListQueueTags'],
      write: ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue'],
      resources: [naming.arn('sqs', `${p}-*`)],
    },
    {
      id: 'Topics',
      read: ['sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic', 'sns:GetSubscriptionAttributes', 'sns:ListTagsForResource'],
      write: ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:Unsubscribe', 'sns:SetSubscriptionAttributes', 'sns:TagResource', 'sns:UntagResource'],
      resources: [naming.arn('sns', `${p}-*`), naming.arn('sns', `${p}-*:*`)],
    },
    {
      id: 'Buckets',
      read: [
        's3:ListBucket', 's3:GetBucketLocation', 's3:GetBucketPolicy', 's3:GetBucketAcl', 's3:GetBucketCORS', 's3:GetBucketWebsite', 's3:GetBucketVersioning',
        's3:GetAccelerateConfiguration', 's3:GetBucketRequestPayment', 's3:GetBucketLogging', 's3:GetLifecycleConfiguration', 's3:GetReplicationConfiguration',
        's3:GetEncryptionConfiguration', 's3:GetBucketObjectLockConfiguration', 's3:GetBucketTagging', 's3:GetBucketPublicAccessBlock', 's3:GetBucketOwnershipControls',
      ],
      write: [
        's3:CreateBucket', 's3:DeleteBucket', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketVersioning', 's3:PutBucketLogging', 's3:PutLifecycleConfiguration',
        's3:PutEncryptionConfiguration', 's3:PutBucketTagging', 's3:PutBucketPublicAccessBlock', 's3:PutBucketOwnershipControls',
      ],
      resources: [`arn:aws:s3:::${p}-*`],
    },
    {
      id: 'ModelArtifacts',
      // Only the model the stack uploads; the pipeline's data under the run prefixes stays out of reach.
      read: ['s3:GetObject', 's3:GetObjectTagging'],
      write: ['s3:PutObject', 's3:DeleteObject', 's3:PutObjectTagging'],
      resources: [`arn:aws:s3:::${p}-data-*/models/*`],
    },
    {
      id: 'DashboardFiles',
      // The dashboard's static files (what every viewer of the page gets anyway).
      read: ['s3:GetObject', 's3:GetObjectTagging'],
      write: ['s3:PutObject', 's3:DeleteObject', 's3:PutObjectTagging'],
      resources: [`arn:aws:s3:::${p}-dashboard-*/*`],
    },
    {
      id: 'HttpApis',
      // The read API's HTTP API, its routes, integration, authorizer and stage (API Gateway's REST-style actions).
      read: ['apigateway:GET'],
      write: ['apigateway:POST', 'apigateway:PATCH', 'apigateway:PUT', 'apigateway:DELETE', 'apigateway:TagResource', 'apigateway:UntagResource'],
      resources: ['/apis', '/apis/*', '/tags/*'].map((path) => `arn:aws:apigateway:${naming.region}::${path}`),
      why: 'API Gateway assigns API ids and its ARNs name no account; the account holds this environment only',
    },
    {
      id: 'Cdn',
      // The dashboard's distribution and its origin access control (CloudFront is global: no region in the ARN).
      read: ['cloudfront:GetDistribution', 'cloudfront:GetDistributionConfig', 'cloudfront:ListTagsForResource', 'cloudfront:GetOriginAccessControl'],
      write: [
        'cloudfront:CreateDistribution', 'cloudfront:CreateDistributionWithTags', 'cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution', 'cloudfront:TagResource',
        'cloudfront:UntagResource', 'cloudfront:CreateOriginAccessControl', 'cloudfront:UpdateOriginAccessControl', 'cloudfront:DeleteOriginAccessControl',
      ],
      resources: [naming.arn('cloudfront', 'distribution/*', { global: true }), naming.arn('cloudfront', 'origin-access-control/*', { global: true })],
      why: 'CloudFront assigns distribution and origin access control ids; the account holds this environment only',
    },
    {
      id: 'LogGroups',
      read: ['logs:ListTagsForResource', 'logs:ListTagsLogGroup'],
      write: ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:AssociateKmsKey', 'logs:DisassociateKmsKey', 'logs:TagResource', 'logs:UntagResource', 'logs:TagLogGroup'],
      resources: [`/aws/lambda/${p}-*`, `/aws/vendedlogs/states/${p}-*`, `/aws/rds/cluster/${p}-*`, `/aws/vpc/${p}-*`, `/aws/apigateway/${p}-*`].flatMap((group) => [
        naming.arn('logs', `log-group:${group}`),
        naming.arn('logs', `log-group:${group}:*`),
      ]),
    },
    {
      id: 'AlarmsAndDashboards',
      read: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource', 'cloudwatch:GetDashboard'],
      write: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource', 'cloudwatch:UntagResource', 'cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'],
      resources: [naming.arn('cloudwatch', `alarm:${p}-*`), naming.arn('cloudwatch', `dashboard/${p}-*`, { global: true })],
    },
    {
      id: 'EventRules',
      read: ['events:DescribeRule', 'events:ListTargetsByRule', 'events:ListTagsForResource'],
      write: ['events:PutRule', 'events:DeleteRule', 'events:EnableRule', 'events:DisableRule', 'events:PutTargets', 'events:RemoveTargets', 'events:TagResource', 'events:UntagResource'],
      resources: [naming.arn('events', `rule/${p}-*`)],
    },
    {
      id: 'Schedules',
      read: ['scheduler:GetSchedule', 'scheduler:ListTagsForResource'],
      write: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
      resources: [naming.arn('scheduler', `schedule/default/${p}-*`)],
    },
    {
      id: 'SageMakerModels',
      read: ['sagemaker:DescribeModel'],
      write: ['sagemaker:CreateModel', 'sagemaker:DeleteModel', 'sagemaker:AddTags', 'sagemaker:DeleteTags'],
      resources: [naming.arn('sagemaker', `model/${p}-*`)],
    },
    {
      id: 'Database',
      read: ['rds:DescribeDBClusters', 'rds:DescribeDBInstances', 'rds:DescribeDBSubnetGroups', 'rds:DescribeDBClusterParameterGroups', 'rds:DescribeDBClusterParameters', 'rds:DescribeDBClusterSnapshots', 'rds:ListTagsForResource'],
      write: [
        'rds:CreateDBCluster', 'rds:ModifyDBCluster', 'rds:DeleteDBCluster', 'rds:CreateDBInstance', 'rds:ModifyDBInstance', 'rds:DeleteDBInstance',
        'rds:CreateDBSubnetGroup', 'rds:ModifyDBSubnetGroup', 'rds:DeleteDBSubnetGroup', 'rds:CreateDBClusterParameterGroup', 'rds:ModifyDBClusterParameterGroup',
        'rds:DeleteDBClusterParameterGroup', 'rds:CreateDBClusterSnapshot', 'rds:AddTagsToResource', 'rds:RemoveTagsFromResource',
      ],
      resources: [
        ...['cluster', 'db', 'subgrp', 'cluster-pg', 'cluster-snapshot'].map((type) => naming.arn('rds', `${type}:${p}-*`)),
        // A new instance is authorized against the engine's default parameter and option groups too.
        naming.arn('rds', 'pg:default.*'),
        naming.arn('rds', 'og:default:*'),
      ],
    },
    {
      id: 'MasterSecret',
      // RDS creates and names the master secret (`rds!cluster-<id>`) with the caller's permissions.
      read: ['secretsmanager:DescribeSecret'],
      write: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource', 'secretsmanager:RotateSecret', 'secretsmanager:DeleteSecret'],
      resources: [naming.arn('secretsmanager', 'secret:rds!cluster-*')],
      why: 'RDS names the managed master secret; never GetSecretValue',
    },
    {
      id: 'EnvironmentKey',
      read: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
      write: [
        'kms:PutKeyPolicy', 'kms:EnableKeyRotation', 'kms:ScheduleKeyDeletion', 'kms:TagResource', 'kms:UntagResource', 'kms:CreateAlias', 'kms:DeleteAlias',
        'kms:UpdateAlias', 'kms:CreateGrant', 'kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt',
      ],
      resources: [naming.arn('kms', 'key/*')],
      condition: tagged,
      why: 'KMS assigns key ids; the environment tag names the key',
    },
    {
      id: 'EnvironmentKeyAlias',
      read: [],
      write: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'],
      resources: [naming.arn('kms', `alias/${p}`), naming.arn('kms', `alias/${p}-*`)],
    },
    {
      id: 'CreateKey',
      read: [],
      write: ['kms:CreateKey'],
      resources: ['*'],
      writeCondition: taggedOnCreate,
      why: 'CreateKey has no resource before the key exists; the request must tag it with the environment',
    },
    {
      id: 'NetworkCreate',
      read: [],
      write: [...EC2_CREATE_ACTIONS],
      resources: [ec2],
      writeCondition: taggedOnCreate,
      why: 'EC2 assigns resource ids; the request must tag what it creates with the environment',
    },
    {
      id: 'NetworkTagOnCreate',
      read: [],
      write: ['ec2:CreateTags'],
      resources: [ec2],
      writeCondition: { StringEquals: { 'ec2:CreateAction': EC2_CREATE_ACTIONS.map((action) => action.slice('ec2:'.length)) } },
    },
    {
      id: 'NetworkTagDefaultGroup',
      // A new VPC's default security group exists untagged; the stack tags it before emptying it.
      read: [],
      write: ['ec2:CreateTags'],
      resources: [naming.arn('ec2', 'security-group/*')],
      writeCondition: { ...taggedOnCreate, Null: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: 'true' } },
    },
    {
      id: 'NetworkChange',
      read: [],
      write: [
        'ec2:CreateTags', 'ec2:DeleteTags', 'ec2:DeleteVpc', 'ec2:ModifyVpcAttribute', 'ec2:DeleteSubnet', 'ec2:ModifySubnetAttribute', 'ec2:DeleteRouteTable',
        'ec2:AssociateRouteTable', 'ec2:DisassociateRouteTable', 'ec2:DeleteSecurityGroup', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress',
        'ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:ModifySecurityGroupRules', 'ec2:UpdateSecurityGroupRuleDescriptionsIngress',
        'ec2:UpdateSecurityGroupRuleDescriptionsEgress', 'ec2:CreateVpcEndpoint', 'ec2:ModifyVpcEndpoint', 'ec2:DeleteVpcEndpoints', 'ec2:DeleteFlowLogs',
      ],
      resources: [ec2],
      writeCondition: tagged,
      why: 'EC2 assigns resource ids; only resources tagged with the environment',
    },
    {
      id: 'LambdaNetworkInterfaces',
      // Destroying a security group first removes the ENIs Lambda left in it (untagged, created by Lambda).
      read: [],
      write: ['ec2:DeleteNetworkInterface', 'ec2:DetachNetworkInterface'],
      resources: [naming.arn('ec2', 'network-interface/*')],
      why: 'Lambda creates its ENIs untagged; the account holds this environment only',
    },
    {
      id: 'UnscopedReads',
      read: [...UNSCOPED_READ_ACTIONS],
      write: [],
      resources: ['*'],
      why: 'AWS offers these List/Describe calls on "*" only',
    },
  ];
}
