import { bundledModelsDir, createLogger, deployedModelCatalog, lambdaClients, lambdaDatabase, once, queryMissing, runStep } from '@airfill/pipeline';
import { parseLambdaEnv, type QueryMissingEvent, type QueryMissingResult } from '@airfill/schema';

const env = once(() => parseLambdaEnv('queryMissing'));
const models = once(async () => deployedModelCatalog(bundledModelsDir(__dirname), env().AIRFILL_MODELS));
const logger = createLogger({ fields: { lambda: 'query-missing' } });

/** Lambda: opens the parameter's run, claims its missing readings, writes them, their context and the live check's sample to retrieved_from_db/. */
export async function handler(event: QueryMissingEvent): Promise<QueryMissingResult> {
  return runStep(logger, 'query-missing', async () => {
    // Inside the step, so a bad environment is logged and named like any other input error.
    const settings = env();
    const catalog = await models();
    return queryMissing(
      { database: lambdaDatabase(), bucket: { s3: lambdaClients.s3(), name: settings.AIRFILL_BUCKET }, logger },
      { maxReadings: settings.AIRFILL_MAX_READINGS_PER_RUN, livePoints: settings.AIRFILL_LIVE_POINTS, contractOf: (parameter) => catalog.contractOf(parameter) },
      event,
    );
  });
}
