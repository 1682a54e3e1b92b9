import type { AslRetrier } from './asl';
import { TRANSIENT_ERRORS } from './errors';

/**
 * Retries for transient errors (shared by every workflow): exponential
 * backoff with full jitter, so parallel executions do not retry in step.
 */
export function transientRetry(extra: readonly string[] = []): AslRetrier[] {
  return [
    {
      ErrorEquals: [...TRANSIENT_ERRORS, ...extra],
      IntervalSeconds: 2,
      MaxAttempts: 4,
      BackoffRate: 2,
      MaxDelaySeconds: 60,
      JitterStrategy: 'FULL',
    },
  ];
}
