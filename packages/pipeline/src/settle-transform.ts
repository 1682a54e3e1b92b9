import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import {
  FINAL_TRANSFORM_STATUSES,
  type PlausibilityConfigInput,
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
import { scoreLiveCheck } from './live-check';
import { checkTransformOutput } from './transform-output';

/** What settling a transform job works with. */
export interface SettleDeps {
  bucket: Bucket;
  tokens: TokenStore;
  sfn: SFNClient;
  logger: Logger;
}

/** How settling is configured: which jobs are this system's, and the ranges over the defaults that predictions must fall in. */
export interface SettleSettings {
  jobPrefix: string;
  plausibility?: PlausibilityConfigInput;
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

/** What the callback tells Step Functions. */
type Outcome = { kind: 'success'; result: TransformResult } | { kind: 'failure'; error: string; cause: string };

/** Sends a job's outcome for one task token. */
async function sendOutcome(deps: { sfn: SettleDeps['sfn'] }, taskToken: string, outcome: Outcome): Promise<void> {
  if (outcome.kind === 'success') {
    await aws('SFN SendTaskSuccess', () => deps.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(outcome.result) })));
  } else {
    await aws('SFN SendTaskFailure', () =>
      deps.sfn.send(new SendTaskFailureCommand({ taskToken, error: clip(outcome.error, 256), cause: clip(outcome.cause, 32_768) })),
    );
  }
}

/**
 * Deletes a job's token parameter if it still holds `taskToken`. SSM has no
 * conditional delete; re-reading first keeps a newer token (of a retry that
 * stored it while this callback ran) from being deleted unanswered.
 */
async function deleteTokenIfUnchanged(store: TokenStore, jobName: string, taskToken: string): Promise<void> {
  const stored = await getToken(store, jobName);
  if (stored?.taskToken === taskToken) await deleteToken(store, jobName);
}

/** How often a callback follows a token replaced by a retried start-transform (each retry stores one). */
const MAX_TOKEN_HANDOVERS = 3;

/** Step Functions' answers for a token that is no longer waiting: the event is late or a duplicate. */
const DEAD_TOKEN_ERRORS = ['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken'];

/** SendTaskFailure limits: error 256, cause 32768 characters. */
const clip = (text: string, limit: number) => (text.length > limit ? `${text.slice(0, limit - 1)}…` : text);

/**
 * Settles a finished transform job: on Completed checks the output against the
 * input (each value in the plausible range of the run's parameter, which the
 * manifest names) and writes `predicted_values_output/<run>/`, then sends the task token
 * back (success, or failure with the reason); on Failed/Stopped sends a
 * failure. The token is deleted after use, so a repeated event finds no token
 * and changes nothing; a token Step Functions no longer knows (a late event)
 * is deleted too.
 */
export async function settleTransformJob(deps: SettleDeps, settings: SettleSettings, job: JobState): Promise<SettleOutcome> {
  const runId = runIdFromJobName(settings.jobPrefix, job.jobName);
  if (!runId) return { action: 'ignored', reason: 'not-ours' };
  if (!isFinal(job.status)) return { action: 'ignored', reason: 'not-final' };
  const logger = deps.logger.child({ runId, jobName: job.jobName, status: job.status, step: 'settle-transform' });
  const token = await getToken(deps.tokens, job.jobName);
  if (!token) {
    logger.info('no task token: the job was settled already');
    return { action: 'ignored', reason: 'no-token' };
  }

  let outcome: Outcome;
  if (job.status === 'Completed') {
    const keys = runKeys(runId);
    const manifest = transformManifestSchema.parse(JSON.parse(await getText(deps.bucket, keys.transform)));
    const targets = parseJsonLines(await getText(deps.bucket, keys.targets), targetRecordSchema, keys.targets);
    const outputKeys = (await listKeys(deps.bucket, keys.outputPrefix)).filter((key) => key.endsWith('.out'));
    const outputs = await Promise.all(outputKeys.map((key) => getText(deps.bucket, key)));
    const check = checkTransformOutput(outputs, targets, manifest, plausibleRangeFor(manifest.parameter, settings.plausibility));
    if (check.ok) {
      await putText(deps.bucket, keys.predictions, toJsonLines(check.predictions), 'application/x-ndjson');
      if (check.refused.length > 0) {
        await putText(deps.bucket, keys.refused, toJsonLines(check.refused), 'application/x-ndjson');
        logger.warn('predictions refused, their readings stay missing', { refused: check.refused.length, examples: check.refused.slice(0, 5) });
      }
      if (check.clamped) logger.warn('predictions just past a physical bound stored as the bound', { parameter: manifest.parameter, clamped: check.clamped });
      const live = manifest.probes > 0 ? scoreLiveCheck(check.live, manifest.holdout) : null;
      outcome = {
        kind: 'success',
        result: {
          jobName: job.jobName,
          predicted: check.predictions.length,
          modelVersion: manifest.modelVersion,
          predictionsKey: keys.predictions,
          refused: check.refused.length,
          ...(check.refused.length > 0 ? { refusedKey: keys.refused } : {}),
          live,
        },
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

  // A start-transform that crashed after creating the job is retried by Step
  // Functions with a new token, which it stores over the old one. When the
  // token this callback read turns out dead, the parameter may hold that newer
  // token: answer it (the job's outcome is the same), and never delete a token
  // other than the one answered.
  let answered = token;
  let late = false;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await sendOutcome(deps, answered.taskToken, outcome);
      break;
    } catch (error) {
      if (!isAwsError(error, ...DEAD_TOKEN_ERRORS)) throw error;
      const stored = await getToken(deps.tokens, job.jobName);
      if (stored && stored.taskToken !== answered.taskToken && attempt < MAX_TOKEN_HANDOVERS) {
        logger.info('a retried start-transform stored a newer token; answering that one');
        answered = stored;
        continue;
      }
      late = true;
      logger.warn('the execution no longer waits for this token (late or repeated event)', { error });
      break;
    }
  }
  await deleteTokenIfUnchanged(deps.tokens, job.jobName, answered.taskToken);
  if (outcome.kind === 'success') {
    logger.info('transform settled', { predicted: outcome.result.predicted, late });
    logger.metrics({ ReadingsPredicted: outcome.result.predicted, PredictionsRefused: outcome.result.refused, TransformsFailed: 0 });
    return { action: 'succeeded', runId, predicted: outcome.result.predicted, late };
  }
  logger.info('transform failed', { error: outcome.error, cause: outcome.cause, late });
  logger.metrics({ TransformsFailed: 1, OutputsRejected: outcome.error === 'OutputValidationError' ? 1 : 0 });
  return { action: 'failed', runId, error: outcome.error, cause: outcome.cause, late };
}
