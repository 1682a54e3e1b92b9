import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { type Construct } from 'constructs';
import { type BootstrapConfig, type EnvironmentName } from './config';
import { SecureBucket } from './constructs/secure-bucket';
import { boundaryPolicyArn, boundaryPolicyName, boundaryStatements } from './iam/boundary';
import { arn, policyDocument, type PolicyStatement } from './iam/policy';
import { ServiceRole } from './iam/role';

/** The bootstrap stack's name. */
export const BOOTSTRAP_STACK = 'airfill-bootstrap';

const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/**
 * What must exist before any environment can be deployed from CI: the
 * Terraform state bucket, GitHub's OIDC identity provider, and per
 * environment a deploy role (assumable only from that GitHub environment of
 * this repository) and a read-only plan role (pull requests and main).
 * Applied once by an administrator, with local state (see README).
 */
export class BootstrapStack extends TerraformStack {
  readonly stateBucket: SecureBucket;
  readonly oidcProvider: IamOpenidConnectProvider;
  readonly deployRoles: Partial<Record<EnvironmentName, ServiceRole>> = {};
  readonly planRoles: Partial<Record<EnvironmentName, ServiceRole>> = {};
  readonly boundaries: Partial<Record<EnvironmentName, IamPolicy>> = {};

  constructor(scope: Construct, config: BootstrapConfig) {
    super(scope, BOOTSTRAP_STACK);
    const context = { region: config.region, accountId: config.accountId };

    new AwsProvider(this, 'aws', {
      region: config.region,
      allowedAccountIds: [config.accountId],
      defaultTags: [{ tags: { project: 'airfill', environment: 'bootstrap', 'managed-by': 'cdktf', ...config.tags } }],
    });
    // The state bucket cannot hold the state of the stack that creates it.
    new LocalBackend(this, { path: 'terraform.airfill-bootstrap.tfstate' });

    this.stateBucket = new SecureBucket(this, 'state', {
      bucketName: config.stateBucket,
      lifecycleRules: [
        {
          id: 'expire-old-state-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: 90, newerNoncurrentVersions: 20 }],
        },
      ],
    });
    const stateArn = this.stateBucket.bucket.arn;

    this.oidcProvider = new IamOpenidConnectProvider(this, 'github', {
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIdList: ['sts.amazonaws.com'],
      // GitHub's published intermediate thumbprints; AWS also validates against its trusted CAs.
      thumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd'],
    });

    const trust = (subjects: string[]) =>
      policyDocument([
        {
          Effect: 'Allow',
          Principal: { Federated: this.oidcProvider.arn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com', [`${GITHUB_OIDC_HOST}:sub`]: subjects },
          },
        },
      ]);

    for (const environment of config.environments) {
      const env = environment.name;
      const stateObjects = [`${stateArn}/${environment.stateKey}`, `${stateArn}/${environment.stateKey}.tflock`];
      const stateAccess = (write: boolean): PolicyStatement[] => [
        {
          Sid: 'StateList',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: stateArn,
          Condition: { StringLike: { 's3:prefix': [`${environment.stateKey}*`] } },
        },
        { Sid: 'StateRead', Effect: 'Allow', Action: 's3:GetObject', Resource: stateObjects },
        // Planning takes the lock too, so even the read-only role writes the lock file.
        {
          Sid: 'StateWrite',
          Effect: 'Allow',
          Action: ['s3:PutObject', 's3:DeleteObject'],
          Resource: write ? stateObjects : `${stateArn}/${environment.stateKey}.tflock`,
        },
      ];

      // The ceiling of every role the environment's stack creates (see iam/boundary.ts).
      this.boundaries[env] = new IamPolicy(this, `boundary-${env}`, {
        name: boundaryPolicyName(env),
        description: `Permissions boundary of every airfill-${env} role`,
        policy: policyDocument(boundaryStatements(config.region)),
      });

      this.deployRoles[env] = new ServiceRole(this, `deploy-${env}`, {
        roleName: `airfill-${env}-deploy`,
        description: `GitHub Actions: deploy airfill-${env} (environment ${env} of ${config.githubRepository} only)`,
        assumeRolePolicy: trust([`repo:${config.githubRepository}:environment:${env}`]),
        statements: [...stateAccess(true), ...deployStatements(env, context)],
      });

      const plan = new ServiceRole(this, `plan-${env}`, {
        roleName: `airfill-${env}-plan`,
        description: `GitHub Actions: read-only plan of airfill-${env} from pull requests and ${config.mainBranch}`,
        assumeRolePolicy: trust([
          `repo:${config.githubRepository}:pull_request`,
          `repo:${config.githubRepository}:ref:refs/heads/${config.mainBranch}`,
        ]),
        statements: stateAccess(false),
      });
      new IamRolePolicyAttachment(this, `plan-${env}-read-only`, {
        role: plan.role.name,
        policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      });
      this.planRoles[env] = plan;

      new TerraformOutput(this, `deploy_role_${env}`, { value: this.deployRoles[env].arn });
      new TerraformOutput(this, `plan_role_${env}`, { value: plan.arn });
    }
    new TerraformOutput(this, 'state_bucket', { value: this.stateBucket.bucket.bucket });
  }
}

/**
 * What a deploy role may change: services by name prefix `airfill-<env>-`
 * where the service supports resource ARNs, and service-wide where it does
 * not (EC2, RDS, KMS key creation, SageMaker, metrics, Secrets Manager for the
 * RDS-managed secret). Never a bare `*` action, never another environment's
 * roles, never itself; it writes role policies only on roles that carry the
 * environment's permissions boundary, so it cannot mint a stronger role.
 */
function deployStatements(env: string, context: { region: string; accountId: string }): PolicyStatement[] {
  const prefix = `airfill-${env}-`;
  const environmentRoles = `arn:aws:iam::${context.accountId}:role/${prefix}*`;
  const ciRoles = [`arn:aws:iam::${context.accountId}:role/${prefix}deploy`, `arn:aws:iam::${context.accountId}:role/${prefix}plan`];
  const withBoundary = { StringEquals: { 'iam:PermissionsBoundary': boundaryPolicyArn(context.accountId, env) } };
  return [
    {
      Sid: 'NamedResources',
      Effect: 'Allow',
      Action: ['lambda:*', 'states:*', 'sqs:*', 'sns:*', 's3:*'],
      Resource: [
        arn(context, 'lambda', `function:${prefix}*`),
        arn(context, 'states', `stateMachine:${prefix}*`),
        arn(context, 'states', `execution:${prefix}*:*`),
        arn(context, 'sqs', `${prefix}*`),
        arn(context, 'sns', `${prefix}*`),
        `arn:aws:s3:::${prefix}*`,
        `arn:aws:s3:::${prefix}*/*`,
      ],
    },
    {
      Sid: 'EnvironmentRolesBounded',
      Effect: 'Allow',
      Action: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary'],
      Resource: environmentRoles,
      Condition: withBoundary,
    },
    {
      Sid: 'EnvironmentRoles',
      Effect: 'Allow',
      Action: [
        'iam:DeleteRole',
        'iam:GetRole',
        'iam:UpdateRole',
        'iam:UpdateAssumeRolePolicy',
        'iam:TagRole',
        'iam:UntagRole',
        'iam:GetRolePolicy',
        'iam:ListRolePolicies',
        'iam:ListAttachedRolePolicies',
        'iam:ListInstanceProfilesForRole',
        'iam:PassRole',
      ],
      Resource: environmentRoles,
    },
    {
      Sid: 'NeverTheCiRolesOrBoundaries',
      Effect: 'Deny',
      Action: [
        'iam:UpdateAssumeRolePolicy',
        'iam:PutRolePolicy',
        'iam:DeleteRolePolicy',
        'iam:AttachRolePolicy',
        'iam:DetachRolePolicy',
        'iam:DeleteRole',
        'iam:UpdateRole',
        'iam:PutRolePermissionsBoundary',
        'iam:DeleteRolePermissionsBoundary',
      ],
      Resource: ciRoles,
    },
    {
      Sid: 'KeepBoundaries',
      Effect: 'Deny',
      Action: 'iam:DeleteRolePermissionsBoundary',
      Resource: environmentRoles,
    },
    {
      Sid: 'ServiceLinkedRoles',
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: `arn:aws:iam::${context.accountId}:role/aws-service-role/*`,
      Condition: {
        StringEquals: {
          'iam:AWSServiceName': ['rds.amazonaws.com', 'sagemaker.amazonaws.com', 'scheduler.amazonaws.com', 'lambda.amazonaws.com'],
        },
      },
    },
    {
      // These services' create calls have no ARN before the resource exists.
      Sid: 'UnnamedAtCreation',
      Effect: 'Allow',
      Action: ['ec2:*', 'rds:*', 'kms:*', 'sagemaker:*', 'events:*', 'scheduler:*', 'cloudwatch:*', 'logs:*', 'secretsmanager:*', 'xray:*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': context.region } },
    },
  ];
}
