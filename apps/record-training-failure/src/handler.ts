import { createLogger, lambdaClients, lambdaDatabase, once, recordTrainingFailure, runStep, type TrainingFailureRecord } from '@airfill/pipeline';
import { parseLambdaEnv, type TrainingFailureEvent } from '@airfill/schema';

const env = once(() => parseLambdaEnv('recordTrainingFailure'));
const logger = createLogger({ fields: { lambda: 'record-training-failure' } });

/** Lambda: marks the execution's training run failed with the error and stops its training jobs. */
export async function handler(event: TrainingFailureEvent): Promise<TrainingFailureRecord> {
  return runStep(logger, 'record-training-failure', async () => {
    const settings = env();
    return recordTrainingFailure({ database: lambdaDatabase(), sagemaker: lambdaClients.sagemaker(), logger }, { jobPrefix: settings.AIRFILL_JOB_PREFIX }, event);
  });
}
