import { createLogger, lambdaClients, lambdaDatabase, once, runStep, writePredictions } from '@airfill/pipeline';
import { parseLambdaEnv, type WritePredictionsEvent, type WritePredictionsResult } from '@airfill/schema';

const env = once(() => parseLambdaEnv('writePredictions'));
const logger = createLogger({ fields: { lambda: 'write-predictions' } });

/** Lambda: stores a parameter's predicted_values_output/ in imputations (one transaction), records the run's live accuracy check and closes the run. */
export async function handler(event: WritePredictionsEvent): Promise<WritePredictionsResult> {
  return runStep(logger, 'write-predictions', async () => {
    // Inside the step, so a bad environment is logged and named like any other input error.
    const settings = env();
    return writePredictions(
      { database: lambdaDatabase(), bucket: { s3: lambdaClients.s3(), name: settings.AIRFILL_BUCKET }, logger },
      event,
      { drift: { factor: settings.AIRFILL_DRIFT_FACTOR, runs: settings.AIRFILL_DRIFT_RUNS } },
    );
  });
}
