import { createLogger, lambdaClients, lambdaDatabase, loadBundledModel, once, queryMissing, runStep } from '@airfill/pipeline';
import { parseLambdaEnv, type QueryMissingEvent, type QueryMissingResult } from '@airfill/schema';

const env = once(() => parseLambdaEnv('queryMissing'));
const model = once(() => loadBundledModel(__dirname));
const logger = createLogger({ fields: { lambda: 'query-missing' } });

/** Lambda: opens the run, claims missing readings, writes them and their context to retrieved_from_db/. */
export async function handler(event: QueryMissingEvent): Promise<QueryMissingResult> {
  return runStep(logger, 'query-missing', async () => {
    // Inside the step, so a bad environment is logged and named like any other input error.
    const settings = env();
    return queryMissing(
      { database: lambdaDatabase(), bucket: { s3: lambdaClients.s3(), name: settings.AIRFILL_BUCKET }, logger },
      { parameter: settings.AIRFILL_PARAMETER, maxReadings: settings.AIRFILL_MAX_READINGS_PER_RUN, contract: (await model()).contract },
      event,
    );
  });
}
