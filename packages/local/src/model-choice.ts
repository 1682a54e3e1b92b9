import type { Database } from '@airfill/db';
import { DEFAULT_MODELS_DIR, loadModel, loadModelFromSet, type LoadedModel } from '@airfill/model';
import { AirfillError } from '@airfill/schema';
import { findModelSource } from './model-source';

/** No model can fill a parameter that was asked for. */
export class NoModelError extends AirfillError {}

/** The model a local run scores a parameter with, and why that one. */
export interface ChosenModel {
  model: LoadedModel;
  source: 'registry' | 'default' | 'directory';
  /** Set when the registry's current model could not be used. */
  note?: string;
}

/** The models of the parameters to fill, and the parameters no model fills. */
export interface ChosenModels {
  models: Map<string, ChosenModel>;
  withoutModel: string[];
}

/**
 * The current model of `parameter`: the one in `AIRFILL_MODEL_DIR` when it
 * fills this parameter (as for the Lambdas), else the registry's current one
 * (the `models` table, as `airfill train` promotes it; locally its artefact is
 * a directory, and a current model whose directory is gone falls back with a
 * note), else the committed default model of the parameter. Undefined when
 * none fills it.
 */
export async function chooseModel(database: Database, parameter: string, env: NodeJS.ProcessEnv = process.env): Promise<ChosenModel | undefined> {
  if (env.AIRFILL_MODEL_DIR) {
    const model = await loadModel(env.AIRFILL_MODEL_DIR);
    if (model.contract.parameter === parameter) return { model, source: 'directory' };
  }
  const found = await findModelSource(database, parameter);
  if (!found) return undefined;
  if (found.source === 'registry') return { model: await loadModel(found.dir), source: 'registry' };
  const model = await loadModelFromSet(parameter, DEFAULT_MODELS_DIR);
  if (!model) return undefined;
  return { model, source: 'default', ...(found.note ? { note: found.note } : {}) };
}

/**
 * The current model of each of `parameters` (see {@link chooseModel}), and
 * the parameters none fills. With `required`, a parameter without a model is
 * an error naming what to do (the user asked for it by name).
 */
export async function chooseModels(
  database: Database,
  parameters: readonly string[],
  options: { required?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<ChosenModels> {
  const models = new Map<string, ChosenModel>();
  const withoutModel: string[] = [];
  for (const parameter of parameters) {
    const chosen = await chooseModel(database, parameter, options.env);
    if (chosen) models.set(parameter, chosen);
    else withoutModel.push(parameter);
  }
  if (options.required && withoutModel.length > 0) {
    const train = withoutModel.map((parameter) => `airfill train --parameter "${parameter}"`).join('; ');
    throw new NoModelError(`no model fills ${withoutModel.map((parameter) => `"${parameter}"`).join(', ')}: neither a current model in the registry nor a default model; train one with: ${train}`, {
      withoutModel,
    });
  }
  return { models, withoutModel };
}

