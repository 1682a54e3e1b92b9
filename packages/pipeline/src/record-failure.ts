import { DescribeTransformJobCommand, StopTransformJobCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { failRun, openRun, type Database } from '@airfill/db';
import { recordFailureEventSchema, type RecordFailureEvent } from '@airfill/schema';
import { aws, isAwsError } from './aws-errors';
import { runIdFor, transformJobName } from './ids';
import type { Logger } from './logger';
import { deleteToken, type TokenStore } from './token-store';

/** What record-failure works with. */
export interface RecordFailureDeps {
  database: Database;
  sagemaker: SageMakerClient;
  tokens: TokenStore;
  logger: Logger;
}

/** What record-failure did. */
export interface RecordFailureResult {
  runId: string;
  parameter: string;
  error: string;
  /** True when a still-running transform job of the run was asked to stop. */
  stoppedJob: boolean;
}

/** Step Functions' cause can be long (a stack trace); the ledger keeps enough to act on. */
const MAX_CAUSE = 4000;

/**
 * Marks the failed chunk's run of the execution failed with the error and
 * releases its claims (the next run picks its readings up; the other
 * chunks' runs are untouched), then cleans up: stops the run's transform
 * job if it still runs (a timed-out wait must not leave it burning instances)
 * and deletes its task token. A run that failed before it was opened is
 * opened here so the ledger shows the failure. Safe to repeat.
 */
export async function recordFailure(deps: RecordFailureDeps, settings: { jobPrefix: string }, rawEvent: RecordFailureEvent): Promise<RecordFailureResult> {
  const event = recordFailureEventSchema.parse(rawEvent);
  const runId = runIdFor(event.executionId, event.parameter, event.chunk);
  const logger = deps.logger.child({ runId, parameter: event.parameter, step: 'record-failure' });
  await openRun(deps.database, { runId, trigger: 'unknown', parameter: event.parameter, executionId: event.executionId });
  const cause = event.error.Cause.length > MAX_CAUSE ? `${event.error.Cause.slice(0, MAX_CAUSE)}…` : event.error.Cause;
  await failRun(deps.database, runId, { name: event.error.Error, message: cause, executionId: event.executionId });

  const jobName = transformJobName(settings.jobPrefix, runId);
  let stoppedJob = false;
  try {
    const job = await aws('SageMaker DescribeTransformJob', () => deps.sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: jobName })));
    if (job.TransformJobStatus === 'InProgress') {
      await aws('SageMaker StopTransformJob', () => deps.sagemaker.send(new StopTransformJobCommand({ TransformJobName: jobName })));
      stoppedJob = true;
    }
  } catch (error) {
    // No such job: the run failed before its transform started.
    if (!isAwsError(error, 'ValidationException', 'ResourceNotFound')) throw error;
  }
  await deleteToken(deps.tokens, jobName);
  logger.warn('run failed', { error: event.error.Error, cause, stoppedJob });
  logger.metrics({ RunsFailed: 1 });
  return { runId, parameter: event.parameter, error: event.error.Error, stoppedJob };
}
