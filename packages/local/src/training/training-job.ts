import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { packModelArchive, trainLibsvmWithCli, type BoosterParams } from '@airfill/model';
import { getBytes, listKeys, putBytes, s3UriParts, type Bucket } from '@airfill/pipeline';
import type { S3Client } from '@aws-sdk/client-s3';

/** What `createTrainingJob.sync` returns (DescribeTrainingJob of the ended job), the fields the definition selects. */
export interface TrainingJobOutcome {
  TrainingJobName: string;
  TrainingJobStatus: 'Completed';
  ModelArtifacts: { S3ModelArtifacts: string };
  BillableTimeInSeconds: number;
}

/**
 * A failed training job as Step Functions reports it to the definition:
 * `States.TaskFailed`, the job's description as the cause.
 */
export class TrainingJobFailed extends Error {
  constructor(jobName: string, reason: string) {
    super(JSON.stringify({ TrainingJobName: jobName, TrainingJobStatus: 'Failed', FailureReason: reason }));
    this.name = 'States.TaskFailed';
  }
}

/** Hyper-parameters that steer SageMaker's script mode, not the booster. */
const NOT_BOOSTER = new Set(['num_round', 'sagemaker_program', 'sagemaker_submit_directory']);

/**
 * Does locally what the training job does in the cloud with a
 * CreateTrainingJob request: concatenates the objects of the `train`
 * channel (LIBSVM), trains with the xgboost CLI (1.7, as the container) on
 * the request's hyper-parameters, and writes the model alone in
 * model.tar.gz at `<S3OutputPath><job>/output/model.tar.gz`, where SageMaker
 * puts it. The request decides; nothing is assumed. An xgboost failure is a
 * failed job.
 */
export async function runTrainingJob(s3: S3Client, request: CreateTrainingJobRequest): Promise<TrainingJobOutcome> {
  const started = Date.now();
  const jobName = request.TrainingJobName ?? '';
  const channel = request.InputDataConfig?.find((candidate) => candidate.ChannelName === 'train');
  const source = s3UriParts(channel?.DataSource?.S3DataSource?.S3Uri ?? '');
  const output = s3UriParts(request.OutputDataConfig?.S3OutputPath ?? '');
  const outputPrefix = output.key === '' || output.key.endsWith('/') ? output.key : `${output.key}/`;
  const hyper = request.HyperParameters ?? {};
  const rounds = Number(hyper.num_round);
  if (!Number.isInteger(rounds) || rounds < 1) throw new TrainingJobFailed(jobName, `ClientError: num_round must be a positive integer, got ${hyper.num_round}`);
  const params: BoosterParams = Object.fromEntries(Object.entries(hyper).filter(([name]) => !NOT_BOOSTER.has(name)));

  const from: Bucket = { s3, name: source.bucket };
  const keys = await listKeys(from, source.key);
  if (keys.length === 0) throw new TrainingJobFailed(jobName, `ClientError: no objects under s3://${source.bucket}/${source.key}`);
  const workDir = await mkdtemp(join(tmpdir(), 'airfill-training-job-'));
  try {
    const dataPath = join(workDir, 'train.libsvm');
    await writeFile(dataPath, '');
    for (const key of keys) await appendFile(dataPath, await getBytes(from, key));
    let modelJson: string;
    try {
      modelJson = await trainLibsvmWithCli({ workDir, dataPath, params, rounds });
    } catch (error) {
      throw new TrainingJobFailed(jobName, `AlgorithmError: ${(error as Error).message}`);
    }
    const key = `${outputPrefix}${jobName}/output/model.tar.gz`;
    await putBytes({ s3, name: output.bucket }, key, packModelArchive({ modelJson }), 'application/gzip');
    return {
      TrainingJobName: jobName,
      TrainingJobStatus: 'Completed',
      ModelArtifacts: { S3ModelArtifacts: `s3://${output.bucket}/${key}` },
      BillableTimeInSeconds: Math.ceil((Date.now() - started) / 1000),
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
