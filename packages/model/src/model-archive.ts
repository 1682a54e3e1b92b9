import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FeatureContract } from '@airfill/features';
import { CALIBRATION_FILE, type ModelMetricsFile } from './artifact';
import type { CalibrationTable } from './calibration';
import { ModelFormatError } from './errors';
import { readTar, writeTar, type TarEntry } from './tar';

/**
 * The file SageMaker's XGBoost 1.7-1 container serves. It loads the first
 * regular file at the top of the model directory and skips folders, so the
 * archive holds exactly one file at the top; the `.json` suffix selects
 * JSON loading.
 */
export const SAGEMAKER_MODEL_FILE = 'xgboost-model.json';

/**
 * Where airfill's own files travel inside model.tar.gz: a folder, which the
 * container does not load as a model. The feature contract, the metrics and
 * the interval calibration go wherever the model goes (registry, fill).
 */
export const ARCHIVE_METADATA_DIR = 'airfill';

/** What a model archive holds. */
export interface ModelArchiveFiles {
  /** XGBoost 1.7 JSON model text. */
  modelJson: string;
  /** Absent in an archive a training job wrote (the model alone). */
  contract?: FeatureContract;
  metrics?: ModelMetricsFile;
  calibration?: CalibrationTable | null;
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

/**
 * Packs a model as model.tar.gz: `xgboost-model.json` at the top for the
 * container, and `airfill/{contract,metrics,calibration}.json` beside it.
 * Byte-for-byte deterministic (fixed tar headers, gzip without a timestamp),
 * so an unchanged model never looks changed.
 */
export function packModelArchive(files: ModelArchiveFiles): Buffer {
  const entries: TarEntry[] = [{ name: SAGEMAKER_MODEL_FILE, content: Buffer.from(files.modelJson) }];
  if (files.contract) entries.push({ name: `${ARCHIVE_METADATA_DIR}/contract.json`, content: json(files.contract) });
  if (files.metrics) entries.push({ name: `${ARCHIVE_METADATA_DIR}/metrics.json`, content: json(files.metrics) });
  if (files.calibration) entries.push({ name: `${ARCHIVE_METADATA_DIR}/${CALIBRATION_FILE}`, content: json(files.calibration) });
  // level 9 and no header timestamp: zlib writes mtime 0, so equal input gives equal bytes.
  return gzipSync(writeTar(entries), { level: 9 });
}

/** The entries of a model.tar.gz; a file that is not one is a `ModelFormatError`. */
export function readModelArchive(archive: Buffer): TarEntry[] {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive);
  } catch (error) {
    throw new ModelFormatError('the model archive is not gzip-compressed', {}, { cause: error });
  }
  return readTar(tar);
}

/**
 * The model file of an archive: the one regular file at its top, whatever
 * its name (a training job writes `xgboost-model.json`; the container would
 * load any single file). None or several is a `ModelFormatError`.
 */
export function modelFileOf(entries: readonly TarEntry[]): TarEntry {
  const top = entries.filter((entry) => !entry.name.includes('/'));
  if (top.length !== 1) {
    throw new ModelFormatError(`a model archive holds exactly one file at its top, found ${top.map((entry) => entry.name).join(', ') || 'none'}`, {
      files: entries.map((entry) => entry.name),
    });
  }
  return top[0]!;
}

/**
 * Unpacks a model archive into a model directory `loadModel` reads:
 * `model.json` from the archive's model file, and the `airfill/` files.
 */
export async function unpackModelArchive(archive: Buffer, dir: string): Promise<void> {
  const entries = readModelArchive(archive);
  const model = modelFileOf(entries);
  const files = [
    { name: 'model.json', content: model.content },
    ...entries
      .filter((entry) => entry.name.startsWith(`${ARCHIVE_METADATA_DIR}/`) && !entry.name.slice(ARCHIVE_METADATA_DIR.length + 1).includes('/'))
      .map((entry) => ({ name: entry.name.slice(ARCHIVE_METADATA_DIR.length + 1), content: entry.content })),
  ];
  for (const file of files) {
    const path = join(dir, file.name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content);
  }
}
