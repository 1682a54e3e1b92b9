import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { policyDocument, type PolicyStatement } from '../iam/policy';

/** Props of {@link SecureBucket}. */
export interface SecureBucketProps {
  bucketName: string;
  /**
   * SSE-KMS with this key. Without it, SSE-S3 (AES-256): server access logs
   * can only be delivered to SSE-S3 buckets.
   * @default SSE-S3
   */
  kmsKeyArn?: string;
  /** Lifecycle rules; an abort-incomplete-uploads rule is always added. */
  lifecycleRules?: S3BucketLifecycleConfigurationRule[];
  /** Statements added to the bucket policy after the TLS-only deny. */
  extraPolicyStatements?: (bucketArn: string) => PolicyStatement[];
  /**
   * Keep the bucket when its stack is destroyed while it still holds objects.
   * @default false (Terraform refuses to delete a non-empty bucket)
   */
  forceDestroy?: boolean;
}

/**
 * A bucket with the settings every airfill bucket needs: encryption at rest,
 * versioning, all public access blocked, ACLs disabled, and a policy refusing
 * any request not made over TLS.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: props.forceDestroy ?? false });
    const bucket = this.bucket.id;

    new S3BucketOwnershipControls(this, 'ownership', {
      bucket,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'public-access', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.kmsKeyArn
            ? { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }
            : { sseAlgorithm: 'AES256' },
          // Bucket keys cut KMS requests (and cost) by orders of magnitude for many small objects.
          bucketKeyEnabled: props.kmsKeyArn !== undefined,
        },
      ],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        {
          id: 'abort-incomplete-uploads',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
        ...(props.lifecycleRules ?? []),
      ],
    });

    const bucketArn = this.bucket.arn;
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket,
      policy: policyDocument([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [bucketArn, `${bucketArn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': false } },
        },
        ...(props.extraPolicyStatements?.(bucketArn) ?? []),
      ]),
      // S3 rejects a policy change racing the public access block.
      dependsOn: [publicAccess],
    });
  }
}
