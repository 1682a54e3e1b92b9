import { createLogger, handleTransformEvent, lambdaClients, once, runStep, type SettleOutcome } from '@airfill/pipeline';
import { parseLambdaEnv, type TransformJobEvent } from '@airfill/schema';

const env = once(() => parseLambdaEnv('transformCallback'));
const logger = createLogger({ fields: { lambda: 'transform-callback' } });

/** Lambda (EventBridge): on a final transform job state, validates the output against its parameter's range and sends the task token back. */
export async function handler(event: TransformJobEvent): Promise<SettleOutcome> {
  return runStep(logger, 'transform-callback', async () => {
    // Inside the step, so a bad environment is logged and named like any other input error.
    const settings = env();
    return handleTransformEvent(
      {
        bucket: { s3: lambdaClients.s3(), name: settings.AIRFILL_BUCKET },
        tokens: { ssm: lambdaClients.ssm(), prefix: settings.AIRFILL_SSM_PREFIX },
        sfn: lambdaClients.sfn(),
        logger,
      },
      { jobPrefix: settings.AIRFILL_JOB_PREFIX, plausibility: settings.AIRFILL_PLAUSIBILITY },
      event,
    );
  });
}
