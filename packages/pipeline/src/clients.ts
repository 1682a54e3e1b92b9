import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';

/**
 * Creates a value once and keeps it: handlers call this at module level so a
 * warm Lambda container reuses its clients and database pool across invocations.
 */
export function once<T>(create: () => T): () => T {
  let value: { current: T } | undefined;
  return () => {
    value ??= { current: create() };
    return value.current;
  };
}

/** AWS clients, created on first use (the region comes from the Lambda environment). */
export const lambdaClients = {
  s3: once(() => new S3Client({})),
  sagemaker: once(() => new SageMakerClient({})),
  sfn: once(() => new SFNClient({})),
  ssm: once(() => new SSMClient({})),
  secrets: once(() => new SecretsManagerClient({})),
};
