import { createLogger, lambdaDatabase, once, planParameters, runStep } from '@airfill/pipeline';
import { parseLambdaEnv, type PlanParametersEvent, type PlanParametersResult } from '@airfill/schema';

const env = once(() => parseLambdaEnv('planParameters'));
const logger = createLogger({ fields: { lambda: 'plan-parameters' } });

/** Lambda: lists the parameters the execution fills (stored, and deployed in AIRFILL_MODELS) and those without a model. */
export async function handler(event: PlanParametersEvent): Promise<PlanParametersResult> {
  return runStep(logger, 'plan-parameters', async () => {
    // Inside the step, so a bad environment is logged and named like any other input error.
    const settings = env();
    return planParameters({ database: lambdaDatabase(), logger }, { modelled: Object.keys(settings.AIRFILL_MODELS) }, event);
  });
}
