import { createLogger, lambdaClients, loadBundledModel, once, runStep, startTransform } from '@airfill/pipeline';
import { optionalLambdaEnvSchema, parseLambdaEnv, type StartTransformEvent, type StartTransformResult } from '@airfill/schema';

const env = once(() => ({ ...parseLambdaEnv('startTransform'), ...optionalLambdaEnvSchema.parse(process.env) }));
const model = once(() => loadBundledModel(__dirname));
const logger = createLogger({ fields: { lambda: 'start-transform' } });

/** Lambda: writes feature rows to input_batch/, keeps the task token in SSM, starts the batch transform. */
export async function handler(event: StartTransformEvent): Promise<StartTransformResult> {
  return runStep(logger, 'start-transform', async () => {
    // Inside the step, so a bad environment is logged and named like any other input error.
    const settings = env();
    const { version, contract, calibration } = await model();
    return startTransform(
      {
        bucket: { s3: lambdaClients.s3(), name: settings.AIRFILL_BUCKET },
        tokens: { ssm: lambdaClients.ssm(), prefix: settings.AIRFILL_SSM_PREFIX, keyId: settings.AIRFILL_KMS_KEY_ARN },
        sfn: lambdaClients.sfn(),
        sagemaker: lambdaClients.sagemaker(),
        logger,
      },
      {
        parameter: settings.AIRFILL_PARAMETER,
        jobPrefix: settings.AIRFILL_JOB_PREFIX,
        modelName: settings.AIRFILL_MODEL_NAME,
        modelVersion: settings.AIRFILL_MODEL_VERSION,
        instanceType: settings.AIRFILL_TRANSFORM_INSTANCE_TYPE,
        instanceCount: settings.AIRFILL_TRANSFORM_INSTANCE_COUNT,
        maxPayloadMb: settings.AIRFILL_TRANSFORM_MAX_PAYLOAD_MB,
        model: { version, contract, calibration },
      },
      event,
    );
  });
}
