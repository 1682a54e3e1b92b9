import { FINAL_TRANSFORM_STATUSES } from '@airfill/schema';

/** An EventBridge event pattern (the parts used here). */
export interface TransformEventPattern {
  source: ['aws.sagemaker'];
  'detail-type': ['SageMaker Transform Job State Change'];
  detail: { TransformJobName: [{ prefix: string }]; TransformJobStatus: string[] };
}

/**
 * The EventBridge rule pattern for the transform-callback: only this system's
 * jobs (by name prefix) and only final states, so other jobs in the account
 * never wake the callback. The callback checks both again.
 */
export function transformEventPattern(jobPrefix: string): TransformEventPattern {
  if (!jobPrefix) throw new RangeError('the job prefix must not be empty: the rule would match every transform job in the account');
  return {
    source: ['aws.sagemaker'],
    'detail-type': ['SageMaker Transform Job State Change'],
    detail: { TransformJobName: [{ prefix: jobPrefix }], TransformJobStatus: [...FINAL_TRANSFORM_STATUSES] },
  };
}
