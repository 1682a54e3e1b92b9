import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { transformTokenSchema, type TransformToken } from '@airfill/schema';
import { aws, isAwsError } from './aws-errors';
import { InputError } from './errors';
import { tokenParameterName } from './ids';

/** Where task tokens are kept: SSM SecureString parameters under a prefix, one per job. */
export interface TokenStore {
  ssm: SSMClient;
  prefix: string;
  /** KMS key of the SecureStrings. @default the account's aws/ssm key */
  keyId?: string;
}

/**
 * Keeps a job's task token (and its run) as a SecureString. Overwrites: a
 * retried start-transform gets a new token from Step Functions and the old one is dead.
 */
export async function putToken(store: TokenStore, jobName: string, token: TransformToken): Promise<void> {
  const name = tokenParameterName(store.prefix, jobName);
  await aws(
    'SSM PutParameter',
    () => store.ssm.send(new PutParameterCommand({
          Name: name,
          Value: JSON.stringify(token),
          Type: 'SecureString',
          ...(store.keyId ? { KeyId: store.keyId } : {}),
          Overwrite: true,
        }),),
    { name },
  );
}

/** Reads a job's token; undefined when there is none (never stored, or already used: a duplicate or late event). */
export async function getToken(store: TokenStore, jobName: string): Promise<TransformToken | undefined> {
  const name = tokenParameterName(store.prefix, jobName);
  try {
    const response = await aws('SSM GetParameter', () => store.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true })), { name });
    const parsed = transformTokenSchema.safeParse(JSON.parse(response.Parameter?.Value ?? 'null'));
    if (!parsed.success) throw new InputError(`SSM parameter ${name} does not hold a task token`, { name });
    return parsed.data;
  } catch (error) {
    if (isAwsError(error, 'ParameterNotFound')) return undefined;
    throw error;
  }
}

/** Deletes a job's token once used. Deleting one that is gone is fine (a duplicate event). */
export async function deleteToken(store: TokenStore, jobName: string): Promise<void> {
  const name = tokenParameterName(store.prefix, jobName);
  try {
    await aws('SSM DeleteParameter', () => store.ssm.send(new DeleteParameterCommand({ Name: name })), { name });
  } catch (error) {
    if (!isAwsError(error, 'ParameterNotFound')) throw error;
  }
}
