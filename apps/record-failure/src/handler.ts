import { createLogger, lambdaClients, lambdaDatabase, once, recordFailure, runStep, type RecordFailureResult } from '@airfill/pipeline';
import { parseLambdaEnv, type RecordFailureEvent } from '@airfill/schema';

const env = once(() => parseLambdaEnv('recordFailure'));
const logger = createLogger({ fields: { lambda: 'record-failure' } });

/** Lambda: marks a parameter's run failed with the error, releases its claims, stops its transform job, deletes its token. */
export async function handler(event: RecordFailureEvent): Promise<RecordFailureResult> {
  return runStep(logger, 'record-failure', async () => {
    // Inside the step, so a bad environment is logged and named like any other input error.
    const settings = env();
    return recordFailure(
      {
        database: lambdaDatabase(),
        sagemaker: lambdaClients.sagemaker(),
        tokens: { ssm: lambdaClients.ssm(), prefix: settings.AIRFILL_SSM_PREFIX },
        logger,
      },
      { jobPrefix: settings.AIRFILL_JOB_PREFIX },
      event,
    );
  });
}
