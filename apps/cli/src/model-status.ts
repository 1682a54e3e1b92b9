import { existsSync } from 'node:fs';
import path from 'node:path';
import { getCurrentModel, type Database } from '@airfill/db';
import { DEFAULT_MODELS_DIR, readModelSet } from '@airfill/model';

/** Which model fills a parameter (for status): its version and where it comes from. */
export interface ModelStatus {
  version: string;
  source: 'registry' | 'default';
}

/**
 * The model each parameter is filled with, as `airfill run` chooses it (the
 * registry's current one when its files are here, else the committed default
 * model), or null when none fills it. Reads the registry and the default
 * set's manifest only: no model is loaded.
 */
export async function describeModels(database: Database, parameters: readonly string[]): Promise<Record<string, ModelStatus | null>> {
  const defaults = new Map((await readModelSet(DEFAULT_MODELS_DIR)).map((entry) => [entry.parameter, entry.version]));
  const described: Record<string, ModelStatus | null> = {};
  for (const parameter of parameters) {
    const current = await getCurrentModel(database, parameter);
    const fallback = defaults.get(parameter);
    if (current && existsSync(path.join(current.artifactUri, 'model.json'))) described[parameter] = { version: current.version, source: 'registry' };
    else described[parameter] = fallback === undefined ? null : { version: fallback, source: 'default' };
  }
  return described;
}
