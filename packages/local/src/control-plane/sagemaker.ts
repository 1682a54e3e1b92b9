import {
  CreateTransformJobCommand,
  DescribeTransformJobCommand,
  ResourceInUse,
  ResourceNotFound,
  SageMakerClient,
  StopTransformJobCommand,
  type CreateTransformJobRequest,
} from '@aws-sdk/client-sagemaker';
import type { LoadedModel } from '@airfill/model';
import { answerLocally } from './answer-locally';
import type { LocalEventBus } from './event-bus';

/** A transform job as the local SageMaker keeps it. */
export interface LocalTransformJob {
  name: string;
  request: CreateTransformJobRequest;
  status: 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';
  failureReason?: string;
  startedAt: number;
  endedAt?: number;
  rows?: number;
}

/** Runs a job's work; its error message becomes the job's FailureReason. */
export type TransformRunner = (request: CreateTransformJobRequest, model: LoadedModel) => Promise<{ rows: number }>;

const JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

function validation(message: string): Error {
  return Object.assign(new Error(message), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
}

/**
 * SageMaker's batch transform control plane, in one process: models by
 * name, CreateTransformJob (names unique, as in SageMaker), Describe and
 * Stop. A created job runs in the background like a real one and, when it
 * ends, publishes "SageMaker Transform Job State Change" on the event bus,
 * which is how the callback hears of it in the cloud too.
 */
export class LocalSageMaker {
  readonly jobs = new Map<string, LocalTransformJob>();
  private readonly models = new Map<string, LoadedModel>();
  private readonly running = new Set<Promise<void>>();
  readonly client: SageMakerClient;

  constructor(
    private readonly runner: TransformRunner,
    private readonly bus: LocalEventBus,
    private readonly onJobEnded: (job: LocalTransformJob) => void = () => undefined,
  ) {
    void [CreateTransformJobCommand, DescribeTransformJobCommand, StopTransformJobCommand];
    this.client = answerLocally(new SageMakerClient({ region: 'us-east-1' }), 'SageMaker', {
      CreateTransformJob: (input) => this.create(input as unknown as CreateTransformJobRequest),
      DescribeTransformJob: (input) => this.describe(String(input.TransformJobName)),
      StopTransformJob: (input) => this.stop(String(input.TransformJobName)),
    });
  }

  /** Makes a model available under the name CreateTransformJob uses. */
  registerModel(name: string, model: LoadedModel): void {
    this.models.set(name, model);
  }

  /** Resolves when every job started so far has ended and its event was delivered. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private describe(name: string): Record<string, unknown> {
    const job = this.jobs.get(name);
    if (!job) throw validation(`Could not find requested job with name ${name}`);
    return {
      TransformJobName: job.name,
      TransformJobStatus: job.status,
      ...(job.failureReason ? { FailureReason: job.failureReason } : {}),
      ModelName: job.request.ModelName,
      CreationTime: new Date(job.startedAt),
      ...(job.endedAt ? { TransformEndTime: new Date(job.endedAt) } : {}),
    };
  }

  private stop(name: string): Record<string, unknown> {
    const job = this.jobs.get(name);
    if (!job) throw new ResourceNotFound({ message: `Could not find job ${name}`, $metadata: {} });
    if (job.status === 'InProgress') job.status = 'Stopping';
    return {};
  }

  private create(request: CreateTransformJobRequest): Record<string, unknown> {
    const name = request.TransformJobName ?? '';
    if (!JOB_NAME.test(name)) throw validation(`transform job name ${name} does not satisfy ${JOB_NAME.source}`);
    if (this.jobs.has(name)) throw new ResourceInUse({ message: `Job ${name} already exists`, $metadata: {} });
    const model = this.models.get(request.ModelName ?? '');
    if (!model) throw validation(`Could not find model "${request.ModelName}"`);
    const job: LocalTransformJob = { name, request, status: 'InProgress', startedAt: Date.now() };
    this.jobs.set(name, job);
    const done = this.run(job, model).finally(() => this.running.delete(done));
    this.running.add(done);
    return { TransformJobArn: `arn:aws:sagemaker:local:000000000000:transform-job/${name}` };
  }

  private async run(job: LocalTransformJob, model: LoadedModel): Promise<void> {
    // Like SageMaker, the job starts after CreateTransformJob has answered.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      job.rows = (await this.runner(job.request, model)).rows;
      job.status = job.status === 'Stopping' ? 'Stopped' : 'Completed';
    } catch (error) {
      job.status = 'Failed';
      job.failureReason = error instanceof Error ? error.message : String(error);
    }
    job.endedAt = Date.now();
    this.onJobEnded(job);
    await this.bus.put({
      source: 'aws.sagemaker',
      'detail-type': 'SageMaker Transform Job State Change',
      detail: { TransformJobName: job.name, TransformJobStatus: job.status, ...(job.failureReason ? { FailureReason: job.failureReason } : {}) },
    });
  }
}
