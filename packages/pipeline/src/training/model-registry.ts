import { createHash } from 'node:crypto';
import { CreateModelPackageCommand, UpdateModelPackageCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { currentModelParameterName, currentModelPointerSchema, type Approval, type CurrentModelPointer } from '@airfill/schema';
import { aws } from '../aws-errors';

/** A model package to register in its parameter's group. */
export interface ModelPackageInput {
  group: string;
  version: string;
  parameter: string;
  approval: Approval;
  /** The XGBoost 1.7-1 image the package is served with. */
  image: string;
  /** Instance types its batch transforms may use. */
  transformInstanceType: string;
  /** model.tar.gz: the model for the container, contract, metrics and calibration under `airfill/`. */
  archiveUri: string;
  metricsUri: string;
  calibrationUri: string;
  /** Why the gate decided as it did. */
  reason: string;
  mae: number;
}

/** SageMaker's idempotency token of a package: the same group and version always give the same one (36 characters at most). */
function clientToken(group: string, version: string): string {
  return createHash('sha256').update(`${group}\n${version}`).digest('hex').slice(0, 32);
}

/**
 * Creates the model package (idempotent: a retried registration gets the
 * package it created). The calibration travels with it twice: inside the
 * archive, which the fill's transform uses, and as the package's
 * model-quality constraints, which people and tools read in the registry.
 */
export async function createModelPackage(sagemaker: SageMakerClient, input: ModelPackageInput): Promise<string> {
  const created = await aws(
    'SageMaker CreateModelPackage',
    () =>
      sagemaker.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: input.group,
          ModelPackageDescription: `${input.parameter} ${input.version}: ${input.reason}`.slice(0, 1024),
          ModelApprovalStatus: input.approval,
          ClientToken: clientToken(input.group, input.version),
          InferenceSpecification: {
            Containers: [{ Image: input.image, ModelDataUrl: input.archiveUri }],
            SupportedContentTypes: ['text/csv'],
            SupportedResponseMIMETypes: ['text/csv'],
            SupportedTransformInstanceTypes: [input.transformInstanceType as never],
          },
          ModelMetrics: {
            ModelQuality: {
              Statistics: { ContentType: 'application/json', S3Uri: input.metricsUri },
              Constraints: { ContentType: 'application/json', S3Uri: input.calibrationUri },
            },
          },
          CustomerMetadataProperties: { version: input.version, parameter: input.parameter, mae: String(input.mae) },
        }),
      ),
    { group: input.group, version: input.version },
  );
  return created.ModelPackageArn ?? '';
}

/** Sets a package's approval (a promotion approves, a rollback rejects the package it leaves). */
export async function setModelPackageApproval(sagemaker: SageMakerClient, arn: string, approval: Approval, description: string): Promise<void> {
  await aws('SageMaker UpdateModelPackage', () => sagemaker.send(new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelApprovalStatus: approval, ApprovalDescription: description.slice(0, 1024) })), {
    arn,
  });
}

/** Points `/airfill/<env>/models/<slug>/current` at a model (the contract the fill reads in phase 2). */
export async function writeCurrentPointer(ssm: SSMClient, environment: string, pointer: CurrentModelPointer): Promise<string> {
  const name = currentModelParameterName(environment, pointer.parameter);
  const value = JSON.stringify(currentModelPointerSchema.parse(pointer));
  await aws('SSM PutParameter', () => ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true })), { name });
  return name;
}
