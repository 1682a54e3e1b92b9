import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { featureContractSchema, loadModel, type LoadedModel } from './artifact';
import { ModelFormatError } from './errors';

/**
 * A model set: one model directory per parameter under one folder, listed in
 * `manifest.json`. The committed default models are one; `airfill train
 * --out <dir>` over several parameters writes one; the Lambda bundles ship
 * the default set as `dist/models`.
 */

/** The manifest's file name in a model set's folder. */
export const MODELS_MANIFEST = 'manifest.json';

/** The committed default models, one per parameter of the bundled sample (see its README). */
export const DEFAULT_MODELS_DIR: string = resolve(__dirname, '..', 'default-models');

/** zod schema of a model set's `manifest.json`. */
export const modelsManifestSchema = z.object({
  models: z
    .array(
      z.object({
        parameter: z.string().trim().min(1),
        /** The model's directory, relative to the manifest. */
        dir: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a model directory is one folder name of lower-case letters, digits and hyphens'),
        version: z.string().min(1),
      }),
    )
    .refine((models) => new Set(models.map((model) => model.parameter)).size === models.length, 'one model per parameter'),
});

/** What `manifest.json` holds. */
export type ModelsManifest = z.output<typeof modelsManifestSchema>;

/** One model of a set: its parameter, its directory (absolute) and version. */
export interface ModelSetEntry {
  parameter: string;
  dir: string;
  version: string;
}

/** The folder name a parameter's model gets in a set: `PM 2.5` -> `pm25`, `Temperature` -> `temperature`. */
export function modelFolderName(parameter: string): string {
  const name = parameter.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return name === '' ? 'parameter' : name;
}

/** Reads and validates a set's manifest; the entries' directories come back absolute. */
export async function readModelSet(dir: string = DEFAULT_MODELS_DIR): Promise<ModelSetEntry[]> {
  const file = join(dir, MODELS_MANIFEST);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (error) {
    throw new ModelFormatError(`cannot read the model set's manifest ${file}`, { dir }, { cause: error });
  }
  const parsed = modelsManifestSchema.safeParse(raw);
  if (!parsed.success) throw new ModelFormatError(`${file} is not a model set manifest: ${parsed.error.issues[0]?.message ?? ''}`, { issues: parsed.error.issues });
  return parsed.data.models.map((model) => ({ parameter: model.parameter, dir: resolve(dir, model.dir), version: model.version }));
}

/** The entry of `parameter` in a set, or undefined when the set has no model for it. */
export async function modelSetEntry(parameter: string, dir: string = DEFAULT_MODELS_DIR): Promise<ModelSetEntry | undefined> {
  return (await readModelSet(dir)).find((entry) => entry.parameter === parameter);
}

/**
 * Loads the model of `parameter` from a set (validating it and checking the
 * manifest tells the truth about it), or undefined when the set has none.
 */
export async function loadModelFromSet(parameter: string, dir: string = DEFAULT_MODELS_DIR): Promise<LoadedModel | undefined> {
  const entry = await modelSetEntry(parameter, dir);
  if (!entry) return undefined;
  const model = await loadModel(entry.dir);
  if (model.contract.parameter !== parameter || model.version !== entry.version) {
    throw new ModelFormatError(`${entry.dir} holds ${model.contract.parameter} model ${model.version}; the manifest says ${parameter} model ${entry.version}`, { dir });
  }
  return model;
}

/**
 * The feature contract of `parameter`'s model in a set, read without
 * compiling the forest (query-missing only needs the context window).
 */
export async function readContractFromSet(parameter: string, dir: string = DEFAULT_MODELS_DIR) {
  const entry = await modelSetEntry(parameter, dir);
  return entry ? readEntryContract(entry) : undefined;
}

/** The feature contract of a set's entry (see {@link readContractFromSet}), for callers that already listed the set. */
export async function readEntryContract(entry: ModelSetEntry) {
  const file = join(entry.dir, 'contract.json');
  const parsed = featureContractSchema.safeParse(JSON.parse(await readFile(file, 'utf8')) as unknown);
  if (!parsed.success || parsed.data.parameter !== entry.parameter) throw new ModelFormatError(`${file} is not the feature contract of a ${entry.parameter} model`, { dir: entry.dir });
  return { version: entry.version, contract: parsed.data };
}

/** Writes (or rewrites) a set's manifest; entries keep their order by parameter. */
export async function writeModelSet(dir: string, entries: readonly ModelSetEntry[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const models = [...entries]
    .sort((a, b) => a.parameter.localeCompare(b.parameter))
    .map((entry) => ({ parameter: entry.parameter, dir: relativeFolder(dir, entry.dir), version: entry.version }));
  const manifest = modelsManifestSchema.parse({ models });
  await writeFile(join(dir, MODELS_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** A model directory must sit directly in the set's folder. */
function relativeFolder(setDir: string, modelDir: string): string {
  const parent = resolve(modelDir, '..');
  if (parent !== resolve(setDir)) throw new ModelFormatError(`model directory ${modelDir} is not directly in the model set ${setDir}`, { setDir, modelDir });
  return resolve(modelDir).slice(parent.length + 1);
}

/** Whether a folder is a model set (has a manifest). */
export function isModelSet(dir: string): boolean {
  return existsSync(join(dir, MODELS_MANIFEST));
}
