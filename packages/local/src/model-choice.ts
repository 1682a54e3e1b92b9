import { existsSync } from 'node:fs';
import path from 'node:path';
import { getCurrentModel, type Database } from '@airfill/db';
import { DEFAULT_MODEL_DIR, loadModel, type LoadedModel } from '@airfill/model';
import { AirfillError } from '@airfill/schema';

/** No model can fill the parameter. */
export class NoModelError extends AirfillError {}

/** The model a local run scores with, and why that one. */
export interface ChosenModel {
  model: LoadedModel;
  source: 'registry' | 'default' | 'directory';
  /** Set when the registry's current model could not be used. */
  note?: string;
}

/**
 * The current model for the parameter (the `models` table, as `airfill
 * train` promotes it), else the committed default model. Locally the
 * registry's artefact is a directory; a current model whose directory is
 * gone falls back to the default, with a note saying so. `AIRFILL_MODEL_DIR`
 * overrides both, as it does for the Lambdas.
 */
export async function chooseModel(database: Database, parameter: string, env: NodeJS.ProcessEnv = process.env): Promise<ChosenModel> {
  if (env.AIRFILL_MODEL_DIR) {
    const model = await loadModel(env.AIRFILL_MODEL_DIR);
    if (model.contract.parameter !== parameter) throw new NoModelError(`the model in AIRFILL_MODEL_DIR fills ${model.contract.parameter}, not ${parameter}`, { parameter });
    return { model, source: 'directory' };
  }
  const current = await getCurrentModel(database, parameter);
  let note: string | undefined;
  if (current && existsSync(path.join(current.artifactUri, 'model.json'))) return { model: await loadModel(current.artifactUri), source: 'registry' };
  if (current) note = `current model ${current.version} is registered at ${current.artifactUri}, which is not here; using the default model`;
  const fallback = await loadModel(DEFAULT_MODEL_DIR);
  if (fallback.contract.parameter !== parameter) {
    throw new NoModelError(`no model fills ${parameter}: the default model fills ${fallback.contract.parameter}; train one with: airfill train --parameter "${parameter}"`, { parameter });
  }
  return { model: fallback, source: 'default', ...(note ? { note } : {}) };
}
