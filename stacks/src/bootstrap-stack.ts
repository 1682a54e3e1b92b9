import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { type Construct } from 'constructs';
import { type EnvironmentConfig } from './config';
import { SecureBucket } from './constructs/secure-bucket';
import { boundaryStatements } from './iam/boundary';
import { deployRoleStatements, planRoleStatements, type StateLocation } from './iam/ci-roles';
import { policyDocument } from './iam/policy';
import { ServiceRole } from './iam/role';
import { Naming } from './naming';

/** GitHub's OIDC issuer host. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/**
 * What must exist in an environment's account before its stack can be
 * deployed from CI, created once by an administrator with local state:
 * the KMS-encrypted Terraform state bucket (its name carries the account id,
 * so accounts never collide on it), GitHub's OIDC identity provider (created,
 * imported or referenced by config), the environment's permissions boundary,
 * a deploy role assumable only from the GitHub environment of the same name,
 * and a read-only plan role for the main branch (and pull requests where the
 * config allows: never in production).
 */
export class BootstrapStack extends TerraformStack {
  readonly naming: Naming;
  readonly stateBucket: SecureBucket;
  readonly stateKey: KmsKey;
  readonly oidcProviderArn: string;
  readonly boundary: IamPolicy;
  readonly deployRole: ServiceRole;
  readonly planRole: ServiceRole;

  constructor(scope: Construct, config: EnvironmentConfig) {
    const naming = new Naming(config);
    super(scope, naming.bootstrapStackName);
    this.naming = naming;
    const { ci } = config;

    new AwsProvider(this, 'aws', { region: config.region, allowedAccountIds: [config.accountId], defaultTags: [{ tags: naming.tags }] });
    // The state bucket cannot hold the state of the stack that creates it.
    new LocalBackend(this, { path: `terraform.${naming.bootstrapStackName}.tfstate` });

    this.stateKey = new KmsKey(this, 'state-key', {
      description: `${naming.prefix}: Terraform state`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // Key use is granted by IAM policies (the CI roles, via S3 only); the account keeps control of the key.
      policy: policyDocument([
        { Sid: 'AccountIamPolicies', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${config.accountId}:root` }, Action: 'kms:*', Resource: '*' },
      ]),
    });
    new KmsAlias(this, 'state-key-alias', { name: naming.stateKeyAlias, targetKeyId: this.stateKey.keyId });

    this.stateBucket = new SecureBucket(this, 'state', {
      bucketName: naming.stateBucket,
      kmsKeyArn: this.stateKey.arn,
      lifecycleRules: [
        {
          id: 'expire-old-state-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: 90, newerNoncurrentVersions: 20 }],
        },
      ],
    });
    const state: StateLocation = { bucketArn: this.stateBucket.bucket.arn, keyArn: this.stateKey.arn };

    this.oidcProviderArn = this.githubOidcProvider(ci.oidcProvider);
    const trust = (subjects: string[]) =>
      policyDocument([
        {
          Effect: 'Allow',
          Principal: { Federated: this.oidcProviderArn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com', [`${GITHUB_OIDC_HOST}:sub`]: subjects } },
        },
      ]);
    const repository = `repo:${ci.githubRepository}`;

    this.boundary = new IamPolicy(this, 'boundary', {
      name: naming.permissionsBoundaryName,
      description: `Permissions boundary of every ${naming.prefix} workload role`,
      policy: policyDocument(boundaryStatements(naming)),
    });
    this.deployRole = new ServiceRole(this, 'deploy', {
      roleName: naming.name('deploy'),
      description: `GitHub Actions: apply ${naming.prefix} (environment ${config.name} of ${ci.githubRepository} only)`,
      assumeRolePolicy: trust([`${repository}:environment:${config.name}`]),
      statements: deployRoleStatements(naming, state),
    });
    this.planRole = new ServiceRole(this, 'plan', {
      roleName: naming.name('plan'),
      description: `GitHub Actions: read-only plan of ${naming.prefix} from ${ci.mainBranch}${ci.planFromPullRequests ? ' and pull requests' : ''}`,
      assumeRolePolicy: trust([`${repository}:ref:refs/heads/${ci.mainBranch}`, ...(ci.planFromPullRequests ? [`${repository}:pull_request`] : [])]),
      statements: planRoleStatements(naming, state),
    });

    new TerraformOutput(this, 'state_bucket', { value: this.stateBucket.bucket.bucket });
    new TerraformOutput(this, 'deploy_role_arn', { value: this.deployRole.arn });
    new TerraformOutput(this, 'plan_role_arn', { value: this.planRole.arn });
  }

  /** The account's GitHub OIDC provider: created here, adopted into this state, or only referenced. */
  private githubOidcProvider(mode: EnvironmentConfig['ci']['oidcProvider']): string {
    const arn = this.naming.arn('iam', `oidc-provider/${GITHUB_OIDC_HOST}`, { global: true });
    if (mode === 'existing') return arn;
    const provider = new IamOpenidConnectProvider(this, 'github', {
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIdList: ['sts.amazonaws.com'],
      // GitHub's published intermediate thumbprints; AWS also validates against its trusted CAs.
      thumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd'],
    });
    if (mode === 'import') provider.importFrom(arn);
    return provider.arn;
  }
}
