import { type Naming } from '../naming';
import { ciGrants } from './ci-grants';
import { mergeConditions, type PolicyStatement } from './policy';

/** Services whose roles a deploy role may pass: the workload roles of the stack, to the service each is for. */
export const PASSABLE_TO = ['lambda.amazonaws.com', 'states.amazonaws.com', 'scheduler.amazonaws.com', 'sagemaker.amazonaws.com', 'vpc-flow-logs.amazonaws.com'] as const;

/** The state bucket and its KMS key, as the bootstrap stack creates them. */
export interface StateLocation {
  bucketArn: string;
  keyArn: string;
}

/**
 * Access to the environment's state object: read for the plan role (plans run
 * with `-lock=false` and write nothing), read, write and lock for the deploy role.
 * The key is usable only through S3.
 */
export function stateStatements(naming: Naming, state: StateLocation, write: boolean): PolicyStatement[] {
  const key = naming.stateKey;
  const objects = [`${state.bucketArn}/${key}`, `${state.bucketArn}/${key}.tflock`];
  const viaS3 = { StringEquals: { 'kms:ViaService': `s3.${naming.region}.amazonaws.com` } };
  return [
    { Sid: 'StateList', Effect: 'Allow', Action: 's3:ListBucket', Resource: state.bucketArn, Condition: { StringLike: { 's3:prefix': [`${key}*`] } } },
    { Sid: 'StateRead', Effect: 'Allow', Action: 's3:GetObject', Resource: objects },
    ...(write ? [{ Sid: 'StateWrite', Effect: 'Allow' as const, Action: ['s3:PutObject', 's3:DeleteObject'], Resource: objects }] : []),
    {
      Sid: 'StateKey',
      Effect: 'Allow',
      Action: write ? ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
      Resource: state.keyArn,
      Condition: viaS3,
    },
  ];
}

/** Management of the environment's workload roles, always with its permissions boundary. */
function roleStatements(naming: Naming, write: boolean): PolicyStatement[] {
  const roles = naming.arn('iam', `role/${naming.prefix}-*`, { global: true });
  const read: PolicyStatement = {
    Sid: 'RolesRead',
    Effect: 'Allow',
    Action: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:ListInstanceProfilesForRole', 'iam:ListRoleTags'],
    Resource: roles,
  };
  if (!write) return [read];
  const ciRoles = [naming.roleArn('deploy'), naming.roleArn('plan')];
  return [
    read,
    {
      // A role is created or given policies only while it carries the boundary: no role stronger than the boundary.
      Sid: 'RolesWriteBounded',
      Effect: 'Allow',
      Action: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary'],
      Resource: roles,
      Condition: { StringEquals: { 'iam:PermissionsBoundary': naming.permissionsBoundaryArn } },
    },
    {
      Sid: 'RolesWrite',
      Effect: 'Allow',
      Action: ['iam:DeleteRole', 'iam:UpdateRole', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole'],
      Resource: roles,
    },
    {
      Sid: 'PassWorkloadRoles',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: roles,
      Condition: { StringEquals: { 'iam:PassedToService': [...PASSABLE_TO] } },
    },
    {
      Sid: 'NeverTheCiRoles',
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
        'iam:PassRole',
      ],
      Resource: ciRoles,
    },
    { Sid: 'KeepBoundaries', Effect: 'Deny', Action: 'iam:DeleteRolePermissionsBoundary', Resource: roles },
    {
      Sid: 'ServiceLinkedRoles',
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: naming.arn('iam', 'role/aws-service-role/*', { global: true }),
      Condition: { StringEquals: { 'iam:AWSServiceName': ['rds.amazonaws.com'] } },
    },
  ];
}

/** Statements of a list of grants, read or read and write. */
function grantStatements(naming: Naming, write: boolean): PolicyStatement[] {
  return ciGrants(naming).flatMap((grant) => {
    const statements: PolicyStatement[] = [];
    if (grant.read.length > 0) {
      statements.push({ Sid: `${grant.id}Read`, Effect: 'Allow', Action: grant.read, Resource: grant.resources, ...(grant.condition ? { Condition: grant.condition } : {}) });
    }
    if (write && grant.write.length > 0) {
      const condition = mergeConditions(grant.condition, grant.writeCondition);
      statements.push({ Sid: `${grant.id}Write`, Effect: 'Allow', Action: grant.write, Resource: grant.resources, ...(condition ? { Condition: condition } : {}) });
    }
    return statements;
  });
}

/**
 * The deploy role: apply the environment's stack. Everything it may change is
 * the environment's (by name or tag), and it can create roles only under the
 * environment's permissions boundary. It reads no data (no secret values, no
 * objects outside models/) and cannot touch the CI roles.
 */
export function deployRoleStatements(naming: Naming, state: StateLocation): PolicyStatement[] {
  return [...stateStatements(naming, state, true), ...roleStatements(naming, true), ...grantStatements(naming, true)];
}

/** The plan role: `terraform plan` of the environment with `-lock=false`; metadata only. */
export function planRoleStatements(naming: Naming, state: StateLocation): PolicyStatement[] {
  return [...stateStatements(naming, state, false), ...roleStatements(naming, false), ...grantStatements(naming, false)];
}
