import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { policyDocument, type PolicyStatement } from './policy';

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
