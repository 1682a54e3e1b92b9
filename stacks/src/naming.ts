import { type EnvironmentConfig } from './config';
import { boundaryPolicyArn } from './iam/boundary';
import { type ArnContext } from './iam/policy';

/**
 * Names and name-derived ARNs of one environment. Every resource is named
 * `airfill-<env>-...` so a deploy role can be limited to that prefix.
 */
export class Naming implements ArnContext {
  readonly prefix: string;
  readonly region: string;
  readonly accountId: string;

  constructor(readonly config: EnvironmentConfig) {
    this.prefix = `airfill-${config.name}`;
    this.region = config.region;
    this.accountId = config.accountId;
  }

  /** `airfill-<env>-<suffix>` */
  name(suffix: string): string {
    return `${this.prefix}-${suffix}`;
  }

  /** Prefix of SageMaker transform job names; the event rule matches only this. */
  get transformJobPrefix(): string {
    return `${this.prefix}-`;
  }

  /** The permissions boundary every role of the environment carries (created by the bootstrap stack). */
  get permissionsBoundaryArn(): string {
    return boundaryPolicyArn(this.accountId, this.config.name);
  }

  /** SSM path under which start-transform keeps task tokens. */
  get tokenParameterPath(): string {
    return `/airfill/${this.config.name}/jobs`;
  }
}
