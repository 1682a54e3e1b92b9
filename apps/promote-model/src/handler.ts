import { createLogger, lambdaClients, lambdaDatabase, once, promoteModel, runStep } from '@airfill/pipeline';
import { parseLambdaEnv, type ModelChangeEvent, type ModelChangeResult } from '@airfill/schema';

const env = once(() => parseLambdaEnv('promoteModel'));
const logger = createLogger({ fields: { lambda: 'promote-model' } });

/** Lambda (`aws lambda invoke`): promotes a registered model or rolls a parameter back, keeping the ledger, the packages' approval and the current-model pointer in step. */
export async function handler(event: ModelChangeEvent): Promise<ModelChangeResult> {
  return runStep(logger, 'promote-model', async () => {
    const settings = env();
    return promoteModel({ database: lambdaDatabase(), sagemaker: lambdaClients.sagemaker(), ssm: lambdaClients.ssm(), logger }, { environment: settings.AIRFILL_ENV }, event);
  });
}
