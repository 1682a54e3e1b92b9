import { createLogger, lambdaClients, lambdaDatabase, once, planParameters, runStep } from '@airfill/pipeline';
import { parseLambdaEnv, type PlanParametersEvent, type PlanParametersResult } from '@airfill/schema';

const env = once(() => parseLambdaEnv('planParameters'));
const logger = createLogger({ fields: { lambda: 'plan-parameters' } });

/** Lambda: lists the parameters the execution fills (stored, and deployed in AIRFILL_MODELS) and those without a model, and writes their chunks' manifest to the bucket. */
export async function handler(event: PlanParametersEvent): Promise<PlanParametersResult> {
  return runStep(logger, 'plan-parameters', async () => {
    // Inside the step, so a bad environment is logged and named like any other input error.
    const settings = env();
    return planParameters(
      { database: lambdaDatabase(), bucket: { s3: lambdaClients.s3(), name: settings.AIRFILL_BUCKET }, logger },
      { modelled: Object.keys(settings.AIRFILL_MODELS), chunkReadings: settings.AIRFILL_MAX_READINGS_PER_RUN },
      event,
    );
  });
}
