import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODELS_DIR, loadModelFromSet, modelFolderName, readModelSet } from '@airfill/model';
import { MissingArtifactError } from '../errors';
import { writeModelArchive, type ModelArchive } from './model-archive';

/** A model directory packaged for SageMaker, with the version predictions are recorded under. */
export interface PackagedModel {
  archive: ModelArchive;
  version: string;
}

/**
 * Validates each model of a model set with `@airfill/model` (the same loader
 * the local pipeline uses) and packages its model.json as model.tar.gz, by
 * parameter: every model of the set, or those of `parameters` (each must be
 * in the set).
 * @param modelsDir defaults to the committed default models.
 * @throws MissingArtifactError naming a parameter the set has no model for.
 */
export async function packageModels(
  parameters?: readonly string[],
  modelsDir: string = DEFAULT_MODELS_DIR,
  outDir: string = mkdtempSync(join(tmpdir(), 'airfill-models-')),
): Promise<Record<string, PackagedModel>> {
  const wanted = parameters ?? (await readModelSet(modelsDir)).map((entry) => entry.parameter);
  const packaged: Record<string, PackagedModel> = {};
  for (const parameter of wanted) {
    const model = await loadModelFromSet(parameter, modelsDir);
    if (!model) throw new MissingArtifactError(`the ${parameter} model`, join(modelsDir, 'manifest.json'), `train one into the set: pnpm airfill train --parameter "${parameter}" --out ${modelsDir}`);
    packaged[parameter] = { archive: writeModelArchive(model.dir, join(outDir, modelFolderName(parameter))), version: model.version };
  }
  return packaged;
}
