import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../src/artifact';
import { ModelFormatError } from '../src/errors';
import { DEFAULT_MODELS_DIR, modelFolderName } from '../src/model-set';
import { modelFileOf, packModelArchive, readModelArchive, SAGEMAKER_MODEL_FILE, unpackModelArchive } from '../src/model-archive';

/** The bundled PM 2.5 model: one model of the default model set. */
const DEFAULT_MODEL_DIR = join(DEFAULT_MODELS_DIR, modelFolderName('PM 2.5'));

const scratch = () => mkdtempSync(join(tmpdir(), 'airfill-archive-test-'));

describe('model.tar.gz', () => {
  it('holds the model alone at its top, for the container, and airfill\u2019s files in a folder it does not load', async () => {
    const model = await loadModel(DEFAULT_MODEL_DIR);
    const modelJson = readFileSync(join(DEFAULT_MODEL_DIR, 'model.json'), 'utf8');
    const archive = packModelArchive({ modelJson, contract: model.contract, metrics: model.metrics, calibration: model.calibration });
    const dir = scratch();
    writeFileSync(join(dir, 'model.tar.gz'), archive);
    // GNU tar reads it: what SageMaker unpacks into /opt/ml/model.
    const listed = execFileSync('tar', ['-tzf', join(dir, 'model.tar.gz')], { encoding: 'utf8' }).trim().split('\n');
    expect(listed).toEqual([SAGEMAKER_MODEL_FILE, 'airfill/contract.json', 'airfill/metrics.json', 'airfill/calibration.json']);
    execFileSync('tar', ['-xzf', join(dir, 'model.tar.gz'), '-C', dir]);
    expect(readFileSync(join(dir, SAGEMAKER_MODEL_FILE), 'utf8')).toBe(modelJson);
  });

  it('unpacks into a model directory that loads and predicts as the original', async () => {
    const model = await loadModel(DEFAULT_MODEL_DIR);
    const modelJson = readFileSync(join(DEFAULT_MODEL_DIR, 'model.json'), 'utf8');
    const dir = scratch();
    await unpackModelArchive(packModelArchive({ modelJson, contract: model.contract, metrics: model.metrics, calibration: model.calibration }), dir);
    const loaded = await loadModel(dir);
    expect(loaded.version).toBe(model.version);
    expect(loaded.calibration).toEqual(model.calibration);
    expect(loaded.contract).toEqual(model.contract);
  });

  it('writes the same bytes for the same model', () => {
    const first = packModelArchive({ modelJson: '{"a":1}' });
    expect(packModelArchive({ modelJson: '{"a":1}' }).equals(first)).toBe(true);
    expect(packModelArchive({ modelJson: '{"a":2}' }).equals(first)).toBe(false);
  });

  it.each([
    ['GNU tar, with ./ before every name', (from: string, to: string) => execFileSync('tar', ['-czf', to, '-C', from, '.'])],
    [
      "Python's tarfile (PAX headers)",
      (from: string, to: string) =>
        execFileSync('python3', ['-c', 'import sys, tarfile\nwith tarfile.open(sys.argv[2], "w:gz", format=tarfile.PAX_FORMAT) as t: t.add(sys.argv[1], arcname=".")', from, to]),
    ],
  ])('reads an archive written by %s', (_writer, write) => {
    const from = scratch();
    const long = `${'x'.repeat(120)}.json`;
    writeFileSync(join(from, SAGEMAKER_MODEL_FILE), '{"learner":{}}');
    mkdirSync(join(from, 'airfill'));
    writeFileSync(join(from, 'airfill', long), 'long name');
    const to = join(scratch(), 'model.tar.gz');
    write(from, to);
    const entries = readModelArchive(readFileSync(to));
    expect(entries.map((entry) => entry.name).sort()).toEqual([`airfill/${long}`, SAGEMAKER_MODEL_FILE]);
    expect(modelFileOf(entries).content.toString()).toBe('{"learner":{}}');
  });

  it('refuses an archive without exactly one model file at its top, or one that is not an archive', () => {
    expect(() => modelFileOf(readModelArchive(packModelArchive({ modelJson: '{}' })).filter(() => false))).toThrow(/exactly one file at its top, found none/);
    expect(() => readModelArchive(Buffer.from('not gzip'))).toThrow(ModelFormatError);
  });
});
