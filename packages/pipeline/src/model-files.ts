import path from 'node:path';
import { loadModel, type LoadedModel } from '@airfill/model';

/**
 * The model a Lambda bundle ships beside its code (`dist/model`, copied by
 * scripts/bundle-lambda.mjs), or `AIRFILL_MODEL_DIR`. Only its feature
 * contract and version are used: SageMaker scores with the same model.
 */
export function loadBundledModel(bundleDir: string): Promise<LoadedModel> {
  return loadModel(process.env.AIRFILL_MODEL_DIR ?? path.join(bundleDir, 'model'));
}
