import { type EnvironmentConfig } from './config';
import { arn, type ArnContext } from './iam/policy';

/** The tag every resource carries (provider default tags); deploy and boundary policies condition on it. */
export const ENVIRONMENT_TAG = 'environment';

/**
 * Names and name-derived ARNs of one environment. Every resource is named
 * `airfill-<env>-...` and tagged `environment=<env>`, so deploy roles and the
 * permissions boundary can be limited to the environment by ARN pattern, or by
 * tag where AWS assigns the ARN.
 */
export class Naming implements ArnContext {
  readonly environment: string;
  readonly prefix: string;
  readonly region: string;
  readonly accountId: string;

  constructor(readonly config: EnvironmentConfig) {
    this.environment = config.name;
    this.prefix = `airfill-${config.name}`;
    this.region = config.region;
    this.accountId = config.accountId;
  }

  /** `airfill-<env>-<suffix>` */
  name(suffix: string): string {
    return `${this.prefix}-${suffix}`;
  }

  /** `arn:aws:<service>:<region>:<account>:<resource>` in this environment's account. */
  arn(service: string, resource: string, options: { global?: boolean } = {}): string {
    return arn(this, service, resource, options);
  }

  /** The tags every resource of the environment carries (provider default tags). */
  get tags(): Record<string, string> {
    return { project: 'airfill', [ENVIRONMENT_TAG]: this.environment, 'managed-by': 'cdktf', ...this.config.tags };
  }

  /** Prefix of SageMaker transform job names; the event rule matches only this. */
  get transformJobPrefix(): string {
    return `${this.prefix}-`;
  }

  /** Prefix of SageMaker training job names (`<prefix><run id>-<fit>`, 63 characters at most). */
  get trainingJobPrefix(): string {
    return `${this.prefix}-t-`;
  }

  /** SSM path under which each parameter's current-model pointer lives (`<path>/<slug>/current`). */
  get modelPointerPath(): string {
    return `/airfill/${this.environment}/models`;
  }

  /** Prefix of the SageMaker models start-transform creates for promoted models (`servingModelName` in @airfill/pipeline). */
  get servingModelPrefix(): string {
    return `${this.prefix}-m-`;
  }

  /** The permissions boundary every workload role of the environment carries (created by its bootstrap stack). */
  get permissionsBoundaryName(): string {
    return this.name('boundary');
  }

  /** ARN of {@link permissionsBoundaryName}. */
  get permissionsBoundaryArn(): string {
    return this.arn('iam', `policy/${this.permissionsBoundaryName}`, { global: true });
  }

  /** ARN of a role of this environment by its suffix (`airfill-<env>-<suffix>`). */
  roleArn(suffix: string): string {
    return this.arn('iam', `role/${this.name(suffix)}`, { global: true });
  }

  /** SSM path under which start-transform keeps task tokens. */
  get tokenParameterPath(): string {
    return `/airfill/${this.environment}/jobs`;
  }

  /** The environment's Terraform state bucket: in its own account, so the global name never collides. */
  get stateBucket(): string {
    return `airfill-tfstate-${this.accountId}-${this.region}`;
  }

  /** The environment's state object in {@link stateBucket}. */
  get stateKey(): string {
    return `airfill/${this.environment}/terraform.tfstate`;
  }

  /** Alias of the KMS key that encrypts the state bucket. */
  get stateKeyAlias(): string {
    return `alias/${this.name('tfstate')}`;
  }

  /** The stack that bootstraps this environment's account. */
  get bootstrapStackName(): string {
    return `${this.prefix}-bootstrap`;
  }
}
