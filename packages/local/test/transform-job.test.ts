import { join } from 'node:path';
import { DEFAULT_MODELS_DIR, loadModel, type LoadedModel } from '@airfill/model';

/** The committed default PM 2.5 model. */
const DEFAULT_MODEL_DIR = join(DEFAULT_MODELS_DIR, 'pm25');
import { getText, putText, transformJobRequest, type Bucket } from '@airfill/pipeline';
import { runKeys } from '@airfill/schema';
import { runTransformJob, startLocalS3, TransformJobError, type LocalS3 } from '../src';

let s3: LocalS3;
let bucket: Bucket;
let model: LoadedModel;
beforeAll(async () => {
  s3 = await startLocalS3();
  bucket = await s3.bucket('transform-test');
  model = await loadModel(DEFAULT_MODEL_DIR);
});
afterAll(() => s3.stop());

const RUN = '0b0c0d0e-0000-4000-8000-000000000001';

function request(runId: string) {
  return transformJobRequest({ instanceType: 'ml.local', instanceCount: 1, maxPayloadMb: 6 }, { name: 'm', version: model.version }, bucket.name, runId, `airfill-local-${runId}`  );
}

describe('the local batch transform', () => {
  it('scores each record without its id and writes "id,prediction" per line, as SageMaker does with the pipeline filters', async () => {
    const columns = model.contract.columns.length;
    const rows = [7, 3, 12].map((id, index) => [String(id), ...Array.from({ length: columns }, (_, column) => (column + index) % 4 === 0 ? '' : String(column + index))]);
    const keys = runKeys(RUN);
    await putText(bucket, keys.inputPart(0), `${rows.map((row) => row.join(',')).join('\n')}\n`, 'text/csv');

    expect(await runTransformJob(s3.s3, request(RUN), model)).toEqual({ objects: 1, rows: 3 });
    const expected = model.predict({
      contract: model.contract,
      rows: 3,
      columns,
      values: Float64Array.from(rows.flatMap((row) => row.slice(1).map((cell) => (cell === '' ? Number.NaN : Number(cell))))),
    });
    const lines = (await getText(bucket, `${keys.outputPrefix}features-00000.csv.out`)).trim().split('\n');
    expect(lines).toEqual(['7', '3', '12'].map((id, index) => `${id},${expected[index]}`));
  });

  it('fails like a ClientError when a record does not have the model\'s features', async () => {
    const run = '0b0c0d0e-0000-4000-8000-000000000002';
    await putText(bucket, runKeys(run).inputPart(0), '1,2,3\n', 'text/csv');
    await expect(runTransformJob(s3.s3, request(run), model)).rejects.toThrow(TransformJobError);
    await expect(runTransformJob(s3.s3, request(run), model)).rejects.toThrow(/ClientError: record 1 .* has 2 features/);
  });

  it('fails when the input prefix is empty', async () => {
    await expect(runTransformJob(s3.s3, request('0b0c0d0e-0000-4000-8000-000000000003'), model)).rejects.toThrow(/no objects under/);
  });
});
