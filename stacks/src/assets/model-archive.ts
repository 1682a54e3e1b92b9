import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeTar } from '@airfill/model';
import { MissingArtifactError } from '../errors';

/** The file name SageMaker's XGBoost container finds the model under (the `.json` suffix selects JSON loading). */
export const SAGEMAKER_MODEL_FILE = 'xgboost-model.json';

/** A model.tar.gz written for SageMaker, with the hash of its content. */
export interface ModelArchive {
  /** Absolute path of the written model.tar.gz. */
  path: string;
  /** sha256 of the archive (hex), for change detection of the uploaded object. */
  sha256: string;
  /**
   * sha256 of model.json itself (hex): names the artifact and the SageMaker model, so
   * only a new model (not a different gzip build) makes a new SageMaker model.
   */
  modelSha256: string;
}

/**
 * Packages `<modelDir>/model.json` as `model.tar.gz` for SageMaker's built-in
 * XGBoost 1.7-1 container. The archive is byte-for-byte deterministic (fixed
 * mtime, owner and gzip header) so an unchanged model never causes a diff in
 * Terraform.
 * @throws MissingArtifactError when model.json is not in modelDir.
 */
export function writeModelArchive(modelDir: string, outDir: string): ModelArchive {
  const source = join(modelDir, 'model.json');
  if (!existsSync(source)) {
    throw new MissingArtifactError('the XGBoost model', source, 'train or restore the committed default model (@airfill/model)');
  }
  const model = readFileSync(source);
  const tarball = writeTar([{ name: SAGEMAKER_MODEL_FILE, content: model }]);
  // level 9 and no header timestamp: zlib writes mtime 0, so equal input gives equal bytes.
  const archive = gzipSync(tarball, { level: 9 });
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'model.tar.gz');
  writeFileSync(path, archive);
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  return { path, sha256: sha256(archive), modelSha256: sha256(model) };
}
