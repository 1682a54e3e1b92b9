import { type KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { Construct } from 'constructs';
import { type Naming } from '../naming';
import { SecureBucket } from './secure-bucket';

/** The per-run prefixes of the pipeline (DESIGN section 4); each holds `<run>/...`. */
export const RUN_PREFIXES = {
  retrieved: 'retrieved_from_db/',
  input: 'input_batch/',
  output: 'output_batch/',
  predicted: 'predicted_values_output/',
} as const;

/** Where model artifacts live; never expired by lifecycle rules. */
export const MODEL_PREFIX = 'models/';

/** Where an initial CSV load for the migration Lambda is put. */
export const SEED_PREFIX = 'seed/';

/** Props of {@link Storage}. */
export interface StorageProps {
  naming: Naming;
  key: KmsKey;
}

/**
 * The environment's one data bucket: SSE-KMS with the environment key,
 * versioned, TLS-only, intermediate run prefixes expiring, and (by config)
 * server access logs into a second bucket.
 */
export class Storage extends Construct {
  readonly data: SecureBucket;
  /** `data.bucket.arn`, for policies. */
  readonly bucketArn: string;
  readonly bucketName: string;
  readonly accessLogs?: SecureBucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const { naming, key } = props;
    const { storage } = naming.config;

    this.data = new SecureBucket(this, 'data', {
      // Bucket names are global: the account id keeps environments in different accounts apart.
      bucketName: naming.name(`data-${naming.accountId}`),
      kmsKeyArn: key.arn,
      lifecycleRules: [
        ...Object.entries(RUN_PREFIXES).map(([name, prefix]) => ({
          id: `expire-${name}`,
          status: 'Enabled',
          filter: [{ prefix }],
          expiration: [{ days: storage.intermediateExpirationDays }],
        })),
        {
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: storage.noncurrentVersionExpirationDays }],
          expiration: [{ expiredObjectDeleteMarker: true }],
        },
      ],
    });
    this.bucketArn = this.data.bucket.arn;
    this.bucketName = this.data.bucket.bucket;

    if (storage.accessLogging.enabled) {
      const accessLogs = new SecureBucket(this, 'access-logs', {
        bucketName: naming.name(`access-logs-${naming.accountId}`),
        lifecycleRules: [
          {
            id: 'expire-logs',
            status: 'Enabled',
            filter: [{ prefix: '' }],
            expiration: [{ days: storage.accessLogging.retentionDays }],
            noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
          },
        ],
        extraPolicyStatements: (logBucketArn) => [
          {
            Sid: 'S3ServerAccessLogs',
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `${logBucketArn}/data/*`,
            Condition: {
              ArnLike: { 'aws:SourceArn': this.bucketArn },
              StringEquals: { 'aws:SourceAccount': naming.accountId },
            },
          },
        ],
      });
      new S3BucketLoggingA(this, 'data-access-logging', {
        bucket: this.data.bucket.id,
        targetBucket: accessLogs.bucket.id,
        targetPrefix: 'data/',
      });
      this.accessLogs = accessLogs;
    }
  }

  /** ARN pattern of every object under a prefix of the data bucket. */
  objects(prefix: string): string {
    return `${this.bucketArn}/${prefix}*`;
  }
}
