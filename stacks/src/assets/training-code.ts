import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeTar } from '@airfill/model';
import { MissingArtifactError } from '../errors';

/** airfill's training script for SageMaker's XGBoost container (script mode). */
export const TRAINING_SCRIPT = resolve(__dirname, '../../../packages/model/sagemaker/train.py');

/** The training jobs' `code` channel: sourcedir.tar.gz with train.py, and its hash. */
export interface TrainingCode {
  path: string;
  sha256: string;
}

/**
 * Packs train.py as `sourcedir.tar.gz` for the training jobs' `code`
 * channel, byte-for-byte deterministic (fixed tar headers, gzip without a
 * timestamp), so an unchanged script never causes a diff.
 * @throws MissingArtifactError when the script is missing.
 */
export function writeTrainingCode(outDir: string, script: string = TRAINING_SCRIPT): TrainingCode {
  if (!existsSync(script)) throw new MissingArtifactError('the training script', script, 'restore packages/model/sagemaker/train.py');
  const archive = gzipSync(writeTar([{ name: 'train.py', content: readFileSync(script) }]), { level: 9 });
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'sourcedir.tar.gz');
  writeFileSync(path, archive);
  return { path, sha256: createHash('sha256').update(archive).digest('hex') };
}
