import type { Database } from '@airfill/db';
import { findModelSource } from '@airfill/local/model-source';

/** Which model fills a parameter (for status): its version and where it comes from. */
export interface ModelStatus {
  version: string;
  source: 'registry' | 'default';
}

/**
 * The model each parameter is filled with, as `airfill run` chooses it
 * (`findModelSource`, the same decision), or null when none fills it. Reads
 * the registry and the default set's manifest only: no model is loaded, and
 * the local runtime is not imported.
 */
export async function describeModels(database: Database, parameters: readonly string[]): Promise<Record<string, ModelStatus | null>> {
  const described: Record<string, ModelStatus | null> = {};
  for (const parameter of parameters) {
    const found = await findModelSource(database, parameter);
    described[parameter] = found ? { version: found.version, source: found.source } : null;
  }
  return described;
}
