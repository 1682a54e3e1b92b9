import { bundledModelsDir, createLogger, currentModelLoader, evaluateCandidate, lambdaClients, lambdaDatabase, once, runStep } from '@airfill/pipeline';
import { parseLambdaEnv, type EvaluateResult, type TrainingStepEvent } from '@airfill/schema';

const env = once(() => parseLambdaEnv('evaluateCandidate'));
const logger = createLogger({ fields: { lambda: 'evaluate-candidate' } });

/** Lambda: scores the candidate against the current model and the baselines, calibrates its intervals, and runs the gate. */
export async function handler(event: TrainingStepEvent): Promise<EvaluateResult> {
  return runStep(logger, 'evaluate-candidate', async () => {
    const settings = env();
    const bucket = { s3: lambdaClients.s3(), name: settings.AIRFILL_BUCKET };
    const currentModel = currentModelLoader({ database: lambdaDatabase(), bucket }, bundledModelsDir(__dirname));
    return evaluateCandidate({ bucket, logger, currentModel }, event);
  });
}
