import { createLogger, lambdaDatabase, lambdaClients, lambdaModelCatalog, once, queryMissing, runStep } from '@airfill/pipeline';
import { parseLambdaEnv, type QueryMissingEvent, type QueryMissingResult } from '@airfill/schema';

const env = once(() => parseLambdaEnv('queryMissing'));
const logger = createLogger({ fields: { lambda: 'query-missing' } });
// Per parameter the model its pointer names, else the deployed default; pointers and models cached per container.
const models = once(() => {
  const settings = env();
  return lambdaModelCatalog({ environment: settings.AIRFILL_ENV, bucketName: settings.AIRFILL_BUCKET, deployed: settings.AIRFILL_MODELS, bundleDir: __dirname, logger });
});

/** Lambda: opens the chunk's run (a parameter over a time window), pins its model, claims its missing readings, writes them, their context and the live check's sample to retrieved_from_db/. */
export async function handler(event: QueryMissingEvent): Promise<QueryMissingResult> {
  return runStep(logger, 'query-missing', async () => {
    // Inside the step, so a bad environment is logged and named like any other input error.
    const settings = env();
    const runModels = models().forExecution(event.executionId, event.chunk);
    return queryMissing(
      { database: lambdaDatabase(), bucket: { s3: lambdaClients.s3(), name: settings.AIRFILL_BUCKET }, logger },
      { maxReadings: settings.AIRFILL_MAX_READINGS_PER_RUN, livePoints: settings.AIRFILL_LIVE_POINTS, contractOf: (parameter) => runModels.contractOf(parameter) },
      event,
    );
  });
}
