import { arn, type PolicyStatement } from './policy';
import { type Naming } from '../naming';

/**
 * Statement builders shared by the Lambda roles. Each names its resources
 * exactly; none grants a wildcard action.
 */

/** s3:GetObject on the given prefixes, and s3:ListBucket limited to them (so a missing key reads as 404, not 403). */
export function readPrefixes(bucketArn: string, prefixes: string[], sid = 'ReadObjects'): PolicyStatement[] {
  return [
    { Sid: sid, Effect: 'Allow', Action: 's3:GetObject', Resource: prefixes.map((p) => `${bucketArn}/${p}*`) },
    {
      Sid: `${sid}List`,
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucketArn,
      Condition: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } },
    },
  ];
}

/** s3:PutObject on the given prefixes. */
export function writePrefixes(bucketArn: string, prefixes: string[], sid = 'WriteObjects'): PolicyStatement {
  return writeObjects(bucketArn, prefixes.map((p) => `${p}*`), sid);
}

/** s3:PutObject on objects whose keys match the given patterns (IAM wildcards: `*`, `?`). */
export function writeObjects(bucketArn: string, keys: string[], sid = 'WriteObjects'): PolicyStatement {
  return { Sid: sid, Effect: 'Allow', Action: 's3:PutObject', Resource: keys.map((key) => `${bucketArn}/${key}`) };
}

/** Use of the environment key by S3 on the caller's behalf (SSE-KMS objects), and only by S3. */
export function keyViaS3(naming: Naming, keyArn: string, actions: ('kms:Decrypt' | 'kms:GenerateDataKey')[]): PolicyStatement {
  return {
    Sid: 'KeyViaS3',
    Effect: 'Allow',
    Action: actions,
    Resource: keyArn,
    Condition: { StringEquals: { 'kms:ViaService': `s3.${naming.region}.amazonaws.com` } },
  };
}

/** `rds-db:connect` as the application user (IAM database authentication). */
export function connectToDatabase(connectArn: string): PolicyStatement {
  return { Sid: 'ConnectAsAppUser', Effect: 'Allow', Action: 'rds-db:connect', Resource: connectArn };
}

/** ARN of every task-token parameter under the environment's jobs path. */
export function tokenParametersArn(naming: Naming): string {
  return arn(naming, 'ssm', `parameter${naming.tokenParameterPath}/*`);
}

/**
 * Use of the environment key for SecureString parameters under the jobs path
 * only: SSM passes the parameter ARN as encryption context, so the key cannot
 * be used for any other parameter or purpose.
 */
export function keyForTokenParameters(naming: Naming, keyArn: string, actions: ('kms:Encrypt' | 'kms:Decrypt')[]): PolicyStatement {
  return {
    Sid: 'KeyForTokenParameters',
    Effect: 'Allow',
    Action: actions,
    Resource: keyArn,
    Condition: {
      StringEquals: { 'kms:ViaService': `ssm.${naming.region}.amazonaws.com` },
      StringLike: { 'kms:EncryptionContext:PARAMETER_ARN': tokenParametersArn(naming) },
    },
  };
}
