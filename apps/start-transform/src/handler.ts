import { createLogger, lambdaClients, lambdaModelCatalog, once, runStep, startTransform } from '@airfill/pipeline';
import { optionalLambdaEnvSchema, parseLambdaEnv, type StartTransformEvent, type StartTransformResult } from '@airfill/schema';

const env = once(() => ({ ...parseLambdaEnv('startTransform'), ...optionalLambdaEnvSchema.parse(process.env) }));
const logger = createLogger({ fields: { lambda: 'start-transform' } });
// The model the run pinned (its pointer's, else the deployed default), served by a SageMaker model created or reused for it.
const models = once(() => {
  const settings = env();
  return lambdaModelCatalog({
    environment: settings.AIRFILL_ENV,
    bucketName: settings.AIRFILL_BUCKET,
    deployed: settings.AIRFILL_MODELS,
    bundleDir: __dirname,
    logger,
    serving: { image: settings.AIRFILL_XGBOOST_IMAGE, executionRoleArn: settings.AIRFILL_SAGEMAKER_ROLE_ARN },
  });
});

/** Lambda: writes the parameter's feature rows to input_batch/, keeps the task token in SSM, starts the batch transform on its model. */
export async function handler(event: StartTransformEvent): Promise<StartTransformResult> {
  return runStep(logger, 'start-transform', async () => {
    // Inside the step, so a bad environment is logged and named like any other input error.
    const settings = env();
    const runModels = models().forExecution(event.executionId, event.run.chunk);
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
        modelOf: (parameter) => runModels.modelOf(parameter),
        plausibility: settings.AIRFILL_PLAUSIBILITY,
      },
      event,
    );
  });
}
