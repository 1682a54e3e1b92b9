import { createLogger, exportTrainingData, lambdaClients, lambdaDatabase, once, runStep } from '@airfill/pipeline';
import { parseLambdaEnv, type ExportTrainingEvent, type TrainingState } from '@airfill/schema';

const env = once(() => parseLambdaEnv('exportTrainingData'));
const logger = createLogger({ fields: { lambda: 'export-training-data' } });

/** Lambda: opens the execution's training run and exports its data, plan and training rows to training/<run>/. */
export async function handler(event: ExportTrainingEvent): Promise<TrainingState> {
  return runStep(logger, 'export-training-data', async () => {
    // Inside the step, so a bad environment is logged and named like any other input error.
    const settings = env();
    return exportTrainingData(
      { database: lambdaDatabase(), bucket: { s3: lambdaClients.s3(), name: settings.AIRFILL_BUCKET }, logger },
      { jobPrefix: settings.AIRFILL_JOB_PREFIX, parameters: settings.AIRFILL_TRAINING_PARAMETERS, windowDays: settings.AIRFILL_TRAINING_WINDOW_DAYS },
      event,
    );
  });
}
