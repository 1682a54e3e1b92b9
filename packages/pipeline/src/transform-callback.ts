import { transformJobEventSchema, type TransformJobEvent } from '@airfill/schema';
import { InputError } from './errors';
import { settleTransformJob, type SettleDeps, type SettleOutcome, type SettleSettings } from './settle-transform';

/**
 * Handles EventBridge's "SageMaker Transform Job State Change": jobs without
 * this system's prefix and statuses that are not final are ignored (the rule
 * already filters by prefix; this is the second fence), a final status settles
 * the job. Repeated and late events are no-ops (see `settleTransformJob`).
 */
export async function handleTransformEvent(
  deps: SettleDeps,
  settings: SettleSettings,
  rawEvent: TransformJobEvent,
): Promise<SettleOutcome> {
  const parsed = transformJobEventSchema.safeParse(rawEvent);
  if (!parsed.success) throw new InputError(`not a SageMaker transform job state change: ${parsed.error.message}`);
  const { detail } = parsed.data;
  const outcome = await settleTransformJob(deps, settings, {
    jobName: detail.TransformJobName,
    status: detail.TransformJobStatus,
    failureReason: detail.FailureReason,
  });
  if (outcome.action === 'ignored') deps.logger.debug('event ignored', { jobName: detail.TransformJobName, status: detail.TransformJobStatus, reason: outcome.reason });
  return outcome;
}
