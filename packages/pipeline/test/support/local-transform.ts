import type { FeatureMatrix } from '@airfill/features';
import type { LoadedModel } from '@airfill/model';
import { runKeys } from '@airfill/schema';
import { getText, listKeys, putText, type Bucket } from '../../src';

/**
 * Does what the SageMaker batch transform does with our request, on the
 * local S3: reads every input object of the run, drops the id
 * (`InputFilter "$[1:]"`), scores the rows with the real model, joins the
 * output to the input (`JoinSource Input`) and keeps id and prediction
 * (`OutputFilter "$[0,-1]"`), writing `<input name>.out` under output_batch/.
 * `tamper` lets a test break the output the way a broken transform would.
 */
export async function runLocalTransform(
  bucket: Bucket,
  runId: string,
  model: LoadedModel,
  tamper: (lines: string[]) => string[] = (lines) => lines,
): Promise<void> {
  const keys = runKeys(runId);
  for (const key of await listKeys(bucket, keys.inputPrefix)) {
    const lines = (await getText(bucket, key)).split('\n').filter((line) => line !== '');
    const cells = lines.map((line) => line.split(','));
    const columns = model.contract.columns.length;
    const values = new Float64Array(lines.length * columns);
    cells.forEach((row, index) => {
      const features = row.slice(1); // InputFilter "$[1:]"
      if (features.length !== columns) throw new Error(`row ${index} of ${key} has ${features.length} features, the model takes ${columns}`);
      features.forEach((cell, column) => (values[index * columns + column] = cell === '' ? Number.NaN : Number(cell)));
    });
    const matrix: FeatureMatrix = { contract: model.contract, rows: lines.length, columns, values };
    const outputs = model.predict(matrix);
    // JoinSource Input appends the output to the input row; OutputFilter "$[0,-1]" keeps the id and the last cell.
    const joined = cells.map((row, index) => [...row, String(outputs[index])]);
    const filtered = joined.map((row) => `${row[0]},${row[row.length - 1]}`);
    const name = key.slice(keys.inputPrefix.length);
    await putText(bucket, `${keys.outputPrefix}${name}.out`, `${tamper(filtered).join('\n')}\n`, 'text/csv');
  }
}
