import { createLogger, lambdaDatabase, once, qualityCheck, qualityCheckSettingsFromEnv, runStep } from '@airfill/pipeline';
import { parseLambdaEnv, type QualityCheckEvent, type QualityCheckResult } from '@airfill/schema';

const settings = once(() => qualityCheckSettingsFromEnv(parseLambdaEnv('qualityCheck')));
const logger = createLogger({ fields: { lambda: 'quality-check' } });

/** Lambda: checks every parameter of the window, stores flags, sets invalid values aside (raw kept), raises one alert per sensor and episode. */
export async function handler(event: QualityCheckEvent): Promise<QualityCheckResult> {
  // The settings are read inside the step, so a bad environment is logged and named like any other input error.
  return runStep(logger, 'quality-check', async () => qualityCheck({ database: lambdaDatabase(), logger }, settings(), event));
}
