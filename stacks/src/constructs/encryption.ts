import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { arn, policyDocument } from '../iam/policy';
import { type Naming } from '../naming';

/** Props of {@link Encryption}. */
export interface EncryptionProps {
  naming: Naming;
}

/**
 * The environment's customer-managed KMS key: Aurora storage, Performance
 * Insights, the master secret, the bucket, task-token parameters, log groups
 * and the alarm topic are all encrypted with it, so one key policy says who
 * may read the environment's data.
 */
export class Encryption extends Construct {
  /** The key; grant use by passing `key.arn` into a role's policy. */
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: EncryptionProps) {
    super(scope, id);
    const { naming } = props;
    this.key = new KmsKey(this, 'key', {
      description: `${naming.prefix}: data at rest`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([
        {
          // Without this the account's IAM policies cannot grant use of the key at all.
          Sid: 'AccountIamPolicies',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${naming.accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          // CloudWatch Logs encrypts log groups itself, limited to this account's log groups.
          Sid: 'CloudWatchLogs',
          Effect: 'Allow',
          Principal: { Service: `logs.${naming.region}.amazonaws.com` },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          Resource: '*',
          Condition: {
            ArnLike: { 'kms:EncryptionContext:aws:logs:arn': arn(naming, 'logs', 'log-group:*') },
          },
        },
        {
          // Alarms publish to the encrypted SNS topic.
          Sid: 'CloudWatchAlarms',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': naming.accountId } },
        },
      ]),
    });
    new KmsAlias(this, 'alias', { name: `alias/${naming.prefix}`, targetKeyId: this.key.keyId });
  }
}
