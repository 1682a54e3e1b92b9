import { StopTrainingJobCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { failTrainingRun, getTrainingRun, type Database } from '@airfill/db';
import { trainingFailureEventSchema, trainingJobName, TRAINING_FITS, type TrainingFailureEvent } from '@airfill/schema';
import { aws, isAwsError } from '../aws-errors';
import { runIdForExecution } from '../ids';
import type { Logger } from '../logger';

/** What record-training-failure works with. */
export interface RecordTrainingFailureDeps {
  database: Database;
  sagemaker: SageMakerClient;
  logger: Logger;
}

/** What record-training-failure did. */
export interface TrainingFailureRecord {
  runId: string;
  error: string;
  /** Training jobs of the run asked to stop (the others had ended or never started). */
  stoppedJobs: string[];
}

const MAX_CAUSE = 4000;

/**
 * Marks the execution's training run failed with the error (a run that
 * failed before the export opened it has no row: the failure is still
 * logged and counted), and stops the run's training jobs still running
 * (a failed fold must not leave the others burning instances). Safe to repeat.
 */
export async function recordTrainingFailure(deps: RecordTrainingFailureDeps, settings: { jobPrefix: string }, rawEvent: TrainingFailureEvent): Promise<TrainingFailureRecord> {
  const event = trainingFailureEventSchema.parse(rawEvent);
  const runId = runIdForExecution(event.executionId);
  const logger = deps.logger.child({ runId, step: 'record-training-failure' });
  const cause = event.error.Cause.length > MAX_CAUSE ? `${event.error.Cause.slice(0, MAX_CAUSE)}…` : event.error.Cause;
  const opened = await getTrainingRun(deps.database, runId).then(
    () => true,
    () => false,
  );
  if (opened) await failTrainingRun(deps.database, runId, { name: event.error.Error, message: cause, executionId: event.executionId });
  const stoppedJobs: string[] = [];
  for (const fit of TRAINING_FITS) {
    const jobName = trainingJobName(settings.jobPrefix, runId, fit);
    try {
      await aws('SageMaker StopTrainingJob', () => deps.sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: jobName })), { jobName });
      stoppedJobs.push(jobName);
    } catch (error) {
      // No such job, or it has ended: nothing to stop.
      if (!isAwsError(error, 'ValidationException', 'ResourceNotFound')) throw error;
    }
  }
  logger.warn('training run failed', { error: event.error.Error, cause, opened, stoppedJobs });
  logger.metrics({ TrainingRunsFailed: 1 });
  return { runId, error: event.error.Error, stoppedJobs };
}
