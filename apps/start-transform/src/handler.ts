import { bundledModelsDir, createLogger, deployedModelCatalog, lambdaClients, once, runStep, startTransform } from '@airfill/pipeline';
import { optionalLambdaEnvSchema, parseLambdaEnv, type StartTransformEvent, type StartTransformResult } from '@airfill/schema';

const env = once(() => ({ ...parseLambdaEnv('startTransform'), ...optionalLambdaEnvSchema.parse(process.env) }));
const models = once(async () => deployedModelCatalog(bundledModelsDir(__dirname), env().AIRFILL_MODELS));
const logger = createLogger({ fields: { lambda: 'start-transform' } });

/** Lambda: writes the parameter's feature rows to input_batch/, keeps the task token in SSM, starts the batch transform on its model. */
export async function handler(event: StartTransformEvent): Promise<StartTransformResult> {
  return runStep(logger, 'start-transform', async () => {
    // Inside the step, so a bad environment is logged and named like any other input error.
    const settings = env();
    const catalog = await models();
    return startTransform(
      {
        bucket: { s3: lambdaClients.s3(), name: settings.AIRFILL_BUCKET },
        tokens: { ssm: lambdaClients.ssm(), prefix: settings.AIRFILL_SSM_PREFIX, keyId: settings.AIRFILL_KMS_KEY_ARN },
        sfn: lambdaClients.sfn(),
        sagemaker: lambdaClients.sagemaker(),
        logger,
      },
      {
        jobPrefix: settings.AIRFILL_JOB_PREFIX,
        instanceType: settings.AIRFILL_TRANSFORM_INSTANCE_TYPE,
        instanceCount: settings.AIRFILL_TRANSFORM_INSTANCE_COUNT,
        maxPayloadMb: settings.AIRFILL_TRANSFORM_MAX_PAYLOAD_MB,
        maxConcurrentTransforms: settings.AIRFILL_TRANSFORM_MAX_CONCURRENT,
        modelOf: (parameter) => catalog.modelOf(parameter),
        plausibility: settings.AIRFILL_PLAUSIBILITY,
      },
      event,
    );
  });
}
