import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR, loadModel } from '@airfill/model';
import { writeModelArchive, type ModelArchive } from './model-archive';

/** A model directory packaged for SageMaker, with the version predictions are recorded under. */
export interface PackagedModel {
  archive: ModelArchive;
  version: string;
}

/**
 * Validates a model directory with `@airfill/model` (the same loader the
 * local pipeline uses) and packages its model.json as model.tar.gz.
 * @param modelDir defaults to the committed default model.
 */
export async function packageModel(modelDir: string = DEFAULT_MODEL_DIR, outDir?: string): Promise<PackagedModel> {
  const model = await loadModel(modelDir);
  const archive = writeModelArchive(model.dir, outDir ?? mkdtempSync(join(tmpdir(), 'airfill-model-')));
  return { archive, version: model.version };
}
