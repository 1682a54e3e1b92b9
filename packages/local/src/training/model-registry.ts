import { CreateModelPackageCommand, SageMakerClient, StopTrainingJobCommand, UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { answerLocally } from '../control-plane/answer-locally';

/** A model package as the local registry keeps it. */
export interface LocalModelPackage {
  arn: string;
  group: string;
  version: number;
  approval: string;
  modelDataUrl: string;
  description: string;
  metadata: Record<string, string>;
}

function validation(message: string): Error {
  return Object.assign(new Error(message), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
}

/**
 * SageMaker's Model Registry, in one process, with SageMaker's semantics
 * for what the training workflow calls: CreateModelPackage (versioned per
 * group; the same ClientToken returns the package it created),
 * UpdateModelPackage (approval), and StopTrainingJob (local training jobs
 * run inside their Task, so there is never one left to stop: SageMaker's
 * answer for a job that is not in progress).
 */
export class LocalModelRegistry {
  readonly packages = new Map<string, LocalModelPackage>();
  private readonly byToken = new Map<string, string>();
  readonly client: SageMakerClient;

  constructor(private readonly region = 'us-east-1') {
    void [CreateModelPackageCommand, UpdateModelPackageCommand, StopTrainingJobCommand];
    this.client = answerLocally(new SageMakerClient({ region }), 'SageMaker', {
      CreateModelPackage: (input) => this.create(input),
      UpdateModelPackage: (input) => {
        const found = this.packages.get(String(input.ModelPackageArn));
        if (!found) throw validation(`ModelPackage ${String(input.ModelPackageArn)} does not exist`);
        found.approval = String(input.ModelApprovalStatus ?? found.approval);
        return { ModelPackageArn: found.arn };
      },
      StopTrainingJob: (input) => {
        throw validation(`The request was rejected because the training job ${String(input.TrainingJobName)} is not in progress.`);
      },
    });
  }

  /** The packages of a group, oldest first. */
  inGroup(group: string): LocalModelPackage[] {
    return [...this.packages.values()].filter((found) => found.group === group).sort((a, b) => a.version - b.version);
  }

  private create(input: Record<string, unknown>): { ModelPackageArn: string } {
    const group = String(input.ModelPackageGroupName ?? '');
    if (!group) throw validation('ModelPackageGroupName is required');
    const token = typeof input.ClientToken === 'string' ? `${group}\n${input.ClientToken}` : undefined;
    const known = token && this.byToken.get(token);
    if (known) return { ModelPackageArn: known };
    const version = this.inGroup(group).length + 1;
    const arn = `arn:aws:sagemaker:${this.region}:000000000000:model-package/${group}/${version}`;
    const spec = input.InferenceSpecification as { Containers?: { ModelDataUrl?: string }[] } | undefined;
    this.packages.set(arn, {
      arn,
      group,
      version,
      approval: String(input.ModelApprovalStatus ?? 'PendingManualApproval'),
      modelDataUrl: spec?.Containers?.[0]?.ModelDataUrl ?? '',
      description: String(input.ModelPackageDescription ?? ''),
      metadata: (input.CustomerMetadataProperties as Record<string, string> | undefined) ?? {},
    });
    if (token) this.byToken.set(token, arn);
    return { ModelPackageArn: arn };
  }
}
