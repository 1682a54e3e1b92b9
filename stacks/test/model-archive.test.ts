import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAGEMAKER_MODEL_FILE, writeModelArchive } from '../src/assets/model-archive';
import { MissingArtifactError } from '../src/errors';

function modelDir(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'airfill-model-test-'));
  writeFileSync(join(dir, 'model.json'), content);
  return dir;
}

describe('model.tar.gz for the SageMaker XGBoost container', () => {
  // A body longer than one 512-byte block, so padding and size fields are exercised.
  const model = JSON.stringify({ learner: { gradient_booster: { trees: Array.from({ length: 40 }, (_, i) => ({ id: i, split_conditions: [i / 3] })) } } });

  it('holds exactly the model as xgboost-model.json, readable by tar', () => {
    const archive = writeModelArchive(modelDir(model), mkdtempSync(join(tmpdir(), 'airfill-out-')));
    expect(execFileSync('tar', ['-tzf', archive.path], { encoding: 'utf8' }).trim().split('\n')).toEqual([SAGEMAKER_MODEL_FILE]);
    const extracted = mkdtempSync(join(tmpdir(), 'airfill-untar-'));
    execFileSync('tar', ['-xzf', archive.path, '-C', extracted]);
    expect(readFileSync(join(extracted, SAGEMAKER_MODEL_FILE), 'utf8')).toBe(model);
  });

  it('writes the same bytes for the same model, so an unchanged model never redeploys', () => {
    const first = writeModelArchive(modelDir(model), mkdtempSync(join(tmpdir(), 'airfill-out-')));
    const second = writeModelArchive(modelDir(model), mkdtempSync(join(tmpdir(), 'airfill-out-')));
    expect(second.sha256).toBe(first.sha256);
    expect(second.modelSha256).toBe(first.modelSha256);
    expect(readFileSync(second.path).equals(readFileSync(first.path))).toBe(true);
  });

  it('changes its hash when the model changes', () => {
    const first = writeModelArchive(modelDir(model), mkdtempSync(join(tmpdir(), 'airfill-out-')));
    const other = writeModelArchive(modelDir(model.replace('"id":0', '"id":99')), mkdtempSync(join(tmpdir(), 'airfill-out-')));
    expect(other.sha256).not.toBe(first.sha256);
    expect(other.modelSha256).not.toBe(first.modelSha256);
  });

  it('fails naming the path when model.json is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'airfill-empty-'));
    expect(() => writeModelArchive(empty, empty)).toThrow(MissingArtifactError);
    expect(() => writeModelArchive(empty, empty)).toThrow(join(empty, 'model.json'));
  });
});
