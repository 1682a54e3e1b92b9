import { existsSync } from 'node:fs';
import path from 'node:path';
import { getCurrentModel, type Database } from '@airfill/db';
import { DEFAULT_MODELS_DIR, modelSetEntry } from '@airfill/model';

/**
 * Where the model that fills a parameter comes from, decided without
 * loading it: the registry's current model when its files are here, else
 * the committed default model of the parameter (with a note when a current
 * model is registered but its files are gone). One decision for the run
 * (which loads it) and for `airfill status` (which only names it).
 */
export type ModelSource =
  | { source: 'registry'; dir: string; version: string }
  | { source: 'default'; dir: string; version: string; note?: string };

/** The {@link ModelSource} of `parameter`, or undefined when no model fills it. */
export async function findModelSource(database: Database, parameter: string): Promise<ModelSource | undefined> {
  const current = await getCurrentModel(database, parameter);
  if (current && existsSync(path.join(current.artifactUri, 'model.json'))) return { source: 'registry', dir: current.artifactUri, version: current.version };
  const fallback = await modelSetEntry(parameter, DEFAULT_MODELS_DIR);
  if (!fallback) return undefined;
  const note = current ? `current ${parameter} model ${current.version} is registered at ${current.artifactUri}, which is not here; using the default model` : undefined;
  return { source: 'default', dir: fallback.dir, version: fallback.version, ...(note ? { note } : {}) };
}
