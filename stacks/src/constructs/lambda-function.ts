import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { type KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { type SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { type Subnet } from '@cdktf/provider-aws/lib/subnet';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { TRACING_ACTIONS, VPC_ATTACHMENT_ACTIONS } from '../iam/boundary';
import { type PolicyStatement } from '../iam/policy';
import { WorkloadRole } from '../iam/role';
import { type Naming } from '../naming';

/**
 * The Lambda runtime of every function (Node.js 22, supported until April 2027;
 * `scripts/bundle-lambda.mjs` targets the same Node version). nodejs24.x is not
 * an option yet: AWS provider 5.100.0, the one pinned here, rejects it.
 */
export const LAMBDA_RUNTIME = 'nodejs22.x';

/** Props of {@link AirfillFunction}. */
export interface AirfillFunctionProps {
  naming: Naming;
  /** The app name (apps/<name>); the function is `airfill-<env>-<name>`. */
  app: string;
  description: string;
  /** The app's esbuild output folder (holds index.js). */
  bundleDir: string;
  /** What this function may do besides writing its own logs and attaching to the VPC. */
  statements: PolicyStatement[];
  environment: Record<string, string>;
  subnets: Subnet[];
  securityGroup: SecurityGroup;
  /** Encrypts the log group. */
  key: KmsKey;
  /**
   * Caps concurrent executions (protects the database's connection slots). Only
   * set from config (`functions.reservedConcurrency`): AWS refuses it on accounts
   * whose quota is too small.
   * @default unreserved
   */
  reservedConcurrency?: number;
  /**
   * Where failed asynchronous invocations go (an SQS queue ARN).
   * @default none
   */
  deadLetterQueueArn?: string;
  /** Memory, MB. @default `functions.memoryMb` of the config */
  memoryMb?: number;
  /** Time limit, seconds. @default `functions.timeoutSeconds` of the config */
  timeoutSeconds?: number;
}

/**
 * One Lambda from its esbuild bundle, with what every airfill function has by
 * construction: the supported runtime, active X-Ray tracing, its own role
 * (named under the environment, capped by the permissions boundary) with only
 * the given statements, its own KMS-encrypted log group with retention, and a
 * place in the VPC. A new Lambda is one more of these.
 */
export class AirfillFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: WorkloadRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: AirfillFunctionProps) {
    super(scope, id);
    const { naming } = props;
    const settings = naming.config.functions;
    this.functionName = naming.name(props.app);

    // Created by Terraform (not on first invocation) so retention and encryption apply from the start.
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${this.functionName}`,
      retentionInDays: settings.logRetentionDays,
      kmsKeyId: props.key.arn,
    });

    const statements: PolicyStatement[] = [
      {
        Sid: 'OwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `${this.logGroup.arn}:*`,
      },
      // Lambda attaches to the VPC with the function's role; these EC2 actions take no resource ARN.
      { Sid: 'VpcAttachment', Effect: 'Allow', Action: [...VPC_ATTACHMENT_ACTIONS], Resource: '*' },
      // Active tracing: the runtime sends segments with the function's role; X-Ray has no resource ARNs.
      { Sid: 'Tracing', Effect: 'Allow', Action: [...TRACING_ACTIONS], Resource: '*' },
      ...props.statements,
    ];
    if (props.deadLetterQueueArn) {
      statements.push({ Sid: 'DeadLetters', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: props.deadLetterQueueArn });
    }
    this.role = new WorkloadRole(this, 'execution', {
      naming,
      name: `fn-${props.app}`,
      service: 'lambda.amazonaws.com',
      description: `Lambda ${this.functionName}`,
      statements,
    });

    const code = new TerraformAsset(this, 'bundle', { path: props.bundleDir, type: AssetType.ARCHIVE });
    this.function = new LambdaFunction(this, 'function', {
      functionName: this.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: code.path,
      sourceCodeHash: Fn.filebase64sha256(code.path),
      memorySize: props.memoryMb ?? settings.memoryMb,
      timeout: props.timeoutSeconds ?? settings.timeoutSeconds,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { variables: props.environment },
      vpcConfig: {
        subnetIds: props.subnets.map((subnet) => subnet.id),
        securityGroupIds: [props.securityGroup.id],
      },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      tracingConfig: { mode: 'Active' },
      deadLetterConfig: props.deadLetterQueueArn ? { targetArn: props.deadLetterQueueArn } : undefined,
      // The role's policy must exist before the first invocation can attach to the VPC.
      dependsOn: [this.role.policy, this.logGroup],
    });
  }

  /** The function's ARN. */
  get arn(): string {
    return this.function.arn;
  }
}
