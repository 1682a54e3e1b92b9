import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import {
  FINAL_TRANSFORM_STATUSES,
  runKeys,
  targetRecordSchema,
  transformManifestSchema,
  type TransformResult,
} from '@airfill/schema';
import { aws, isAwsError } from './aws-errors';
import { runIdFromJobName } from './ids';
import type { Logger } from './logger';
import { plausibleRangeFor } from './plausible-range';
import { getText, listKeys, parseJsonLines, putText, toJsonLines, type Bucket } from './s3-objects';
import { deleteToken, getToken, type TokenStore } from './token-store';
import { checkTransformOutput } from './transform-output';

/** What settling a transform job works with. */
export interface SettleDeps {
  bucket: Bucket;
  tokens: TokenStore;
  sfn: SFNClient;
  logger: Logger;
}

/** A transform job's state, as the EventBridge event or DescribeTransformJob reports it. */
export interface JobState {
  jobName: string;
  status: string;
  failureReason?: string;
}

/** What settling did. */
export type SettleOutcome =
  | { action: 'ignored'; reason: 'not-ours' | 'not-final' | 'no-token' }
  | { action: 'succeeded'; runId: string; predicted: number; late: boolean }
  | { action: 'failed'; runId: string; error: string; cause: string; late: boolean };

type FinalStatus = (typeof FINAL_TRANSFORM_STATUSES)[number];
const isFinal = (status: string): status is FinalStatus => (FINAL_TRANSFORM_STATUSES as readonly string[]).includes(status);

/** Step Functions' answers for a token that is no longer waiting: the event is late or a duplicate. */
const DEAD_TOKEN_ERRORS = ['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken'];

/** SendTaskFailure limits: error 256, cause 32768 characters. */
const clip = (text: string, limit: number) => (text.length > limit ? `${text.slice(0, limit - 1)}…` : text);

/**
 * Settles a finished transform job: on Completed checks the output against the
 * input and writes `predicted_values_output/<run>/`, then sends the task token
 * back (success, or failure with the reason); on Failed/Stopped sends a
 * failure. The token is deleted after use, so a repeated event finds no token
 * and changes nothing; a token Step Functions no longer knows (a late event)
 * is deleted too.
 */
export async function settleTransformJob(deps: SettleDeps, settings: { jobPrefix: string; parameter: string }, job: JobState): Promise<SettleOutcome> {
  const runId = runIdFromJobName(settings.jobPrefix, job.jobName);
  if (!runId) return { action: 'ignored', reason: 'not-ours' };
  if (!isFinal(job.status)) return { action: 'ignored', reason: 'not-final' };
  const logger = deps.logger.child({ runId, jobName: job.jobName, status: job.status, step: 'settle-transform' });
  const token = await getToken(deps.tokens, job.jobName);
  if (!token) {
    logger.info('no task token: the job was settled already');
    return { action: 'ignored', reason: 'no-token' };
  }

  let outcome: { kind: 'success'; result: TransformResult } | { kind: 'failure'; error: string; cause: string };
  if (job.status === 'Completed') {
    const keys = runKeys(runId);
    const manifest = transformManifestSchema.parse(JSON.parse(await getText(deps.bucket, keys.transform)));
    const targets = parseJsonLines(await getText(deps.bucket, keys.targets), targetRecordSchema, keys.targets);
    const outputKeys = (await listKeys(deps.bucket, keys.outputPrefix)).filter((key) => key.endsWith('.out'));
    const outputs = await Promise.all(outputKeys.map((key) => getText(deps.bucket, key)));
    const check = checkTransformOutput(outputs, targets, manifest, plausibleRangeFor(settings.parameter));
    if (check.ok) {
      await putText(deps.bucket, keys.predictions, toJsonLines(check.predictions), 'application/x-ndjson');
      if (check.floored) logger.warn('small negative predictions stored as the floor', { floored: check.floored });
      outcome = {
        kind: 'success',
        result: { jobName: job.jobName, predicted: check.predictions.length, modelVersion: manifest.modelVersion, predictionsKey: keys.predictions },
      };
    } else {
      logger.error('transform output failed the check', { problems: check.problems, outputKeys });
      outcome = { kind: 'failure', error: 'OutputValidationError', cause: `transform ${job.jobName}: ${check.reason}` };
    }
  } else {
    outcome = {
      kind: 'failure',
      error: 'TransformJobFailedError',
      cause: `transform ${job.jobName} ${job.status}${job.failureReason ? `: ${job.failureReason}` : ''}`,
    };
  }

  let late = false;
  try {
    if (outcome.kind === 'success') {
      await aws('SFN SendTaskSuccess', () => deps.sfn.send(new SendTaskSuccessCommand({ taskToken: token.taskToken, output: JSON.stringify(outcome.result) })));
    } else {
      const { error, cause } = outcome;
      await aws('SFN SendTaskFailure', () =>
        deps.sfn.send(new SendTaskFailureCommand({ taskToken: token.taskToken, error: clip(error, 256), cause: clip(cause, 32_768) })),
      );
    }
  } catch (error) {
    if (!isAwsError(error, ...DEAD_TOKEN_ERRORS)) throw error;
    late = true;
    logger.warn('the execution no longer waits for this token (late or repeated event)', { error });
  }
  await deleteToken(deps.tokens, job.jobName);
  if (outcome.kind === 'success') {
    logger.info('transform settled', { predicted: outcome.result.predicted, late });
    logger.metrics({ ReadingsPredicted: outcome.result.predicted, TransformsFailed: 0 });
    return { action: 'succeeded', runId, predicted: outcome.result.predicted, late };
  }
  logger.info('transform failed', { error: outcome.error, cause: outcome.cause, late });
  logger.metrics({ TransformsFailed: 1, OutputsRejected: outcome.error === 'OutputValidationError' ? 1 : 0 });
  return { action: 'failed', runId, error: outcome.error, cause: outcome.cause, late };
}
