import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ARCHIVE_METADATA_DIR, featureContractSchema, loadModel, readModelArchive, unpackModelArchive, type LoadedModel } from '@airfill/model';
import type { FeatureContract } from '@airfill/features';
import type { CurrentModelPointer } from '@airfill/schema';
import { InputError } from '../errors';
import { getBytes, keyInBucket, type Bucket } from '../s3-objects';

/** The files of the models pointers name, read from their model.tar.gz in the bucket. */
export interface PointerModels {
  /** The feature contract (`airfill/contract.json`), without compiling the forest: query-missing needs only its window. */
  contractOf(pointer: CurrentModelPointer): Promise<FeatureContract>;
  /** The whole model (forest, contract, calibration), unpacked into a scratch folder. */
  modelOf(pointer: CurrentModelPointer): Promise<LoadedModel>;
}

function cachedBy<T>(load: (pointer: CurrentModelPointer) => Promise<T>): (pointer: CurrentModelPointer) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (pointer) => {
    // A version's archive never changes, so a container keeps what it read; a failed read is tried again.
    const key = `${pointer.version}\n${pointer.modelDataUrl}`;
    let value = cache.get(key);
    if (!value) {
      value = load(pointer);
      cache.set(key, value);
      value.catch(() => cache.delete(key));
    }
    return value;
  };
}

function checkFits(pointer: CurrentModelPointer, found: { parameter: string; version?: string }): void {
  if (found.parameter !== pointer.parameter || (found.version !== undefined && found.version !== pointer.version)) {
    throw new InputError(`${pointer.modelDataUrl} holds ${found.parameter} model ${found.version ?? '(no version)'}, not ${pointer.parameter} model ${pointer.version} as its pointer says`, {
      parameter: pointer.parameter,
      version: pointer.version,
    });
  }
}

/**
 * Reads pointer models from the bucket (the one the training workflow
 * registers them in), once per version and container, and checks each is
 * the parameter's model of the version its pointer names.
 */
export function pointerModels(bucket: Bucket): PointerModels {
  const archive = (pointer: CurrentModelPointer) => getBytes(bucket, keyInBucket(bucket, pointer.modelDataUrl));
  return {
    contractOf: cachedBy(async (pointer) => {
      const entry = readModelArchive(await archive(pointer)).find((file) => file.name === `${ARCHIVE_METADATA_DIR}/contract.json`);
      if (!entry) throw new InputError(`${pointer.modelDataUrl} has no ${ARCHIVE_METADATA_DIR}/contract.json: not an airfill model archive`, { version: pointer.version });
      const parsed = featureContractSchema.safeParse(JSON.parse(entry.content.toString('utf8')) as unknown);
      if (!parsed.success) throw new InputError(`${pointer.modelDataUrl} holds no valid feature contract: ${parsed.error.message}`, { version: pointer.version });
      checkFits(pointer, { parameter: parsed.data.parameter });
      return parsed.data;
    }),
    modelOf: cachedBy(async (pointer) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'airfill-serving-'));
      await unpackModelArchive(await archive(pointer), dir);
      const model = await loadModel(dir);
      checkFits(pointer, { parameter: model.contract.parameter, version: model.version });
      return model;
    }),
  };
}
