import { createLogger, lambdaClients, lambdaDatabase, once, registerModel, runStep } from '@airfill/pipeline';
import { parseLambdaEnv, type RegisterEvent, type RegisterResult } from '@airfill/schema';

const env = once(() => parseLambdaEnv('registerModel'));
const logger = createLogger({ fields: { lambda: 'register-model' } });

/** Lambda: packs and registers the evaluated candidate; when the gate approved it, makes it current and points the SSM parameter at it. */
export async function handler(event: RegisterEvent): Promise<RegisterResult> {
  return runStep(logger, 'register-model', async () => {
    const settings = env();
    return registerModel(
      { database: lambdaDatabase(), bucket: { s3: lambdaClients.s3(), name: settings.AIRFILL_BUCKET }, sagemaker: lambdaClients.sagemaker(), ssm: lambdaClients.ssm(), logger },
      { environment: settings.AIRFILL_ENV, groupPrefix: `airfill-${settings.AIRFILL_ENV}`, image: settings.AIRFILL_XGBOOST_IMAGE, transformInstanceType: settings.AIRFILL_TRANSFORM_INSTANCE_TYPE },
      event,
    );
  });
}
