import { createHash } from 'node:crypto';
import { CreateModelCommand, DescribeModelCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { parameterSlug } from '@airfill/schema';
import { aws, isAwsError } from '../aws-errors';
import { InputError } from '../errors';

/** SageMaker's limit on a model's name. */
const MAX_NAME = 63;

/**
 * The SageMaker model a promoted model is served as:
 * `<prefix>-m-<slug>-<version>` (`airfill-prod-m-pm25-20261130-140000-1a2b3c4d`;
 * the slug is not repeated when the version starts with it), with the
 * version's characters SageMaker does not allow replaced and, when that
 * changed anything or the name is too long, a hash of the version in its last
 * nine characters: the same model always gets the same name, two versions
 * never share one, and every name stays within 63 characters.
 */
export function servingModelName(prefix: string, parameter: string, version: string): string {
  const slug = parameterSlug(parameter);
  const clean = version.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  const body = clean.startsWith(`${slug}-`) ? clean : `${slug}-${clean}`;
  const name = `${prefix}-m-${body}`;
  if (clean === version && name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(version).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_NAME - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** What a serving model is made of. */
export interface ServingModelSpec {
  name: string;
  /** The XGBoost 1.7-1 image, as the deployed models and the registered packages use. */
  image: string;
  /** model.tar.gz of the promoted model. */
  modelDataUrl: string;
  /** The execution role the deployed models run with. */
  executionRoleArn: string;
  parameter: string;
  version: string;
  /** The package it was registered as (a tag, for people tracing a model to the registry). */
  modelPackageArn: string;
}

const notFound = (error: unknown) => isAwsError(error, 'ResourceNotFound') || (isAwsError(error, 'ValidationException') && /could not find/i.test((error as Error).message));
const alreadyExists = (error: unknown) => isAwsError(error, 'ResourceInUse') || (isAwsError(error, 'ValidationException') && /already exist/i.test((error as Error).message));

/** The model's data URL when it exists (null when its container has none), undefined when there is no such model. */
async function describeModel(sagemaker: SageMakerClient, name: string): Promise<string | undefined | null> {
  try {
    const model = await aws('SageMaker DescribeModel', () => sagemaker.send(new DescribeModelCommand({ ModelName: name })), { name });
    return model.PrimaryContainer?.ModelDataUrl ?? model.Containers?.[0]?.ModelDataUrl ?? null;
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}

/**
 * Creates the SageMaker model a promoted model's transforms run, or reuses
 * it when it exists (created by an earlier run, a retry, or a concurrent
 * run: CreateModel's "already exists" is success). Models are immutable, so a
 * model of that name serving other model data is an `InputError`, never used.
 * Returns whether it was created now.
 */
export async function ensureServingModel(sagemaker: SageMakerClient, spec: ServingModelSpec): Promise<'created' | 'reused'> {
  const check = (dataUrl: string | null | undefined) => {
    if (dataUrl !== spec.modelDataUrl) {
      throw new InputError(`SageMaker model ${spec.name} serves ${dataUrl ?? 'other containers'}, not ${spec.modelDataUrl}`, { name: spec.name, version: spec.version });
    }
  };
  const existing = await describeModel(sagemaker, spec.name);
  if (existing !== undefined) {
    check(existing);
    return 'reused';
  }
  try {
    await aws(
      'SageMaker CreateModel',
      () =>
        sagemaker.send(
          new CreateModelCommand({
            ModelName: spec.name,
            ExecutionRoleArn: spec.executionRoleArn,
            // The built-in container needs no network, as for the deployed models.
            EnableNetworkIsolation: true,
            PrimaryContainer: { Image: spec.image, ModelDataUrl: spec.modelDataUrl },
            Tags: [
              { Key: 'airfill:parameter', Value: spec.parameter },
              { Key: 'airfill:model-version', Value: spec.version },
              { Key: 'airfill:model-package', Value: spec.modelPackageArn.slice(0, 256) },
            ],
          }),
        ),
      { name: spec.name },
    );
    return 'created';
  } catch (error) {
    if (!alreadyExists(error)) throw error;
  }
  check(await describeModel(sagemaker, spec.name));
  return 'reused';
}
