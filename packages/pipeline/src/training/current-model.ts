import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getCurrentModel, type Database } from '@airfill/db';
import { loadModel, loadModelFromSet, unpackModelArchive, type LoadedModel } from '@airfill/model';
import { getBytes, keyInBucket, type Bucket } from '../s3-objects';

/**
 * The model a parameter is filled with now, for the gate to compare with:
 * the registry's current model (its model.tar.gz in the bucket, unpacked
 * into a scratch folder; or a local model directory), else the default
 * model the deployment ships (`fallbackDir`, a model set), else null.
 */
export function currentModelLoader(deps: { database: Database; bucket: Bucket }, fallbackDir: string): (parameter: string) => Promise<LoadedModel | null> {
  return async (parameter) => {
    const current = await getCurrentModel(deps.database, parameter);
    if (current?.artifactUri.startsWith('s3://')) {
      const dir = await mkdtemp(path.join(tmpdir(), 'airfill-current-'));
      await unpackModelArchive(await getBytes(deps.bucket, keyInBucket(deps.bucket, current.artifactUri)), dir);
      return loadModel(dir);
    }
    if (current && existsSync(path.join(current.artifactUri, 'model.json'))) return loadModel(current.artifactUri);
    return (await loadModelFromSet(parameter, fallbackDir)) ?? null;
  };
}
