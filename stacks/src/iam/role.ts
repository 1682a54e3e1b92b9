import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { type Naming } from '../naming';
import { policyDocument, serviceTrustPolicy, type PolicyStatement } from './policy';

/** Props of {@link ServiceRole}. */
export interface ServiceRoleProps {
  roleName: string;
  /** The trust policy (JSON). */
  assumeRolePolicy: string;
  /** The role's only permissions (one inline policy). */
  statements: PolicyStatement[];
  description?: string;
  /**
   * Managed policy capping what the role can ever do.
   * @default none
   */
  permissionsBoundary?: string;
}

/**
 * A role with exactly one inline policy and no managed policies: everything it
 * may do is in one statement list next to the code that needs it.
 */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: props.assumeRolePolicy,
      maxSessionDuration: 3600,
      permissionsBoundary: props.permissionsBoundary,
    });
    this.policy = new IamRolePolicy(this, 'policy', {
      name: 'least-privilege',
      role: this.role.id,
      policy: policyDocument(props.statements),
    });
  }

  /** The role's ARN. */
  get arn(): string {
    return this.role.arn;
  }
}

/** Props of {@link WorkloadRole}. */
export interface WorkloadRoleProps {
  naming: Naming;
  /** The role is `airfill-<env>-<name>`. */
  name: string;
  /** The AWS service that assumes it (`lambda.amazonaws.com`, ...), from this account only. */
  service: string;
  statements: PolicyStatement[];
  description?: string;
}

/**
 * A role the environment's stack runs something with: named under the
 * environment prefix, trusted by one service of this account, and capped by
 * the environment's permissions boundary (the deploy role can create no role
 * without it). Every workload role is one of these.
 */
export class WorkloadRole extends ServiceRole {
  /**
   * The role's ARN spelled out from its name, known at synth: for a Lambda
   * environment variable its handler validates as an ARN (`arn` is a
   * Terraform reference until apply). Policies use `arn`.
   */
  readonly arnByName: string;

  constructor(scope: Construct, id: string, props: WorkloadRoleProps) {
    super(scope, id, {
      roleName: props.naming.name(props.name),
      description: props.description,
      assumeRolePolicy: serviceTrustPolicy(props.service, props.naming.accountId),
      permissionsBoundary: props.naming.permissionsBoundaryArn,
      statements: props.statements,
    });
    this.arnByName = props.naming.roleArn(props.name);
  }
}
