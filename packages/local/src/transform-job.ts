import type { CreateTransformJobRequest } from '@aws-sdk/client-sagemaker';
import type { FeatureMatrix } from '@airfill/features';
import type { LoadedModel } from '@airfill/model';
import { getText, listKeys, putText, type Bucket } from '@airfill/pipeline';
import type { S3Client } from '@aws-sdk/client-s3';
import { compileFilter } from './data-processing';

/** Why a local transform job failed, worded as SageMaker's FailureReason. */
export class TransformJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransformJobError';
  }
}

function parseS3Uri(uri: string | undefined): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri ?? '');
  if (!match) throw new TransformJobError(`ClientError: ${uri} is not an s3:// URI`);
  return { bucket: match[1]!, prefix: match[2]! };
}

/** What a job did. */
export interface TransformJobResult {
  objects: number;
  rows: number;
}

/**
 * Does what SageMaker's batch transform does with a CreateTransformJob
 * request, with the TypeScript scorer in place of the XGBoost container:
 * reads every object under the input prefix (`SplitType Line`), applies
 * `InputFilter` to each CSV record, scores the records with the model,
 * joins each output to its input record (`JoinSource Input`), applies
 * `OutputFilter`, and writes `<input object>.out` under the output path
 * (`AssembleWith Line`). The request decides; nothing is assumed.
 */
export async function runTransformJob(s3: S3Client, request: CreateTransformJobRequest, model: LoadedModel): Promise<TransformJobResult> {
  const input = request.TransformInput;
  if (input?.ContentType !== 'text/csv' || input.SplitType !== 'Line') {
    throw new TransformJobError(`ClientError: the local transform reads text/csv split by line, got ${input?.ContentType}/${input?.SplitType}`);
  }
  const source = parseS3Uri(input.DataSource?.S3DataSource?.S3Uri);
  const target = parseS3Uri(request.TransformOutput?.S3OutputPath);
  const inputFilter = compileFilter(request.DataProcessing?.InputFilter);
  const outputFilter = compileFilter(request.DataProcessing?.OutputFilter);
  const joinInput = request.DataProcessing?.JoinSource === 'Input';
  const from: Bucket = { s3, name: source.bucket };
  const to: Bucket = { s3, name: target.bucket };
  const columns = model.contract.columns.length;

  const keys = await listKeys(from, source.prefix);
  if (keys.length === 0) throw new TransformJobError(`ClientError: no objects under ${input.DataSource?.S3DataSource?.S3Uri}`);
  let rows = 0;
  for (const key of keys) {
    // Records stay whole strings; each is split only while it is read or joined, so a part's cells never all live at once.
    const records = (await getText(from, key)).split('\n').filter((line) => line.trim() !== '');
    const values = new Float64Array(records.length * columns);
    for (const [row, record] of records.entries()) {
      const features = inputFilter(record.split(','));
      if (features.length !== columns) {
        throw new TransformJobError(`ClientError: record ${row + 1} of ${key} has ${features.length} features, the model takes ${columns}`);
      }
      for (const [column, cell] of features.entries()) values[row * columns + column] = cell === '' ? Number.NaN : Number(cell);
    }
    const matrix: FeatureMatrix = { contract: model.contract, rows: records.length, columns, values };
    const outputs = await model.predictParallel(matrix);
    let text = '';
    for (const [row, record] of records.entries()) {
      const output = String(outputs[row]);
      text += `${outputFilter(joinInput ? [...record.split(','), output] : [output]).join(',')}\n`;
    }
    const name = key.slice(source.prefix.length).replace(/^\//, '');
    const outputKey = `${target.prefix.replace(/\/?$/, '/')}${name}.out`;
    await putText(to, outputKey, text, request.TransformOutput?.Accept ?? 'text/csv');
    rows += records.length;
  }
  return { objects: keys.length, rows };
}
