import { calibrateCandidate, createLogger, lambdaClients, once, runStep } from '@airfill/pipeline';
import { parseLambdaEnv, type CalibrateResult, type TrainingStepEvent } from '@airfill/schema';

const env = once(() => parseLambdaEnv('calibrateCandidate'));
const logger = createLogger({ fields: { lambda: 'calibrate-candidate' } });

/** Lambda: collects the cross-fitted residuals of the run's fold models into training/<run>/calibration.json. */
export async function handler(event: TrainingStepEvent): Promise<CalibrateResult> {
  return runStep(logger, 'calibrate-candidate', async () => {
    const settings = env();
    return calibrateCandidate({ bucket: { s3: lambdaClients.s3(), name: settings.AIRFILL_BUCKET }, logger }, event);
  });
}
