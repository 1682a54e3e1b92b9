import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { packModelArchive, type LoadedModel } from '@airfill/model';
import { currentModelParameterName, modelPackageKeys, type CurrentModelPointer } from '@airfill/schema';
import { putBytes, type Bucket } from '../../src';
import type { AwsMocks } from './aws-mocks';

/**
 * Registers `model` under another version as the training workflow would:
 * its model.tar.gz (model, contract, metrics with the new version,
 * calibration) at `models/<slug>/<version>/`, and returns the pointer that
 * names it.
 */
export async function uploadPointerModel(bucket: Bucket, model: LoadedModel, version: string): Promise<CurrentModelPointer> {
  const modelJson = await readFile(path.join(model.dir, 'model.json'), 'utf8');
  const archive = packModelArchive({ modelJson, contract: model.contract, metrics: { ...model.metrics, version }, calibration: model.calibration });
  const key = modelPackageKeys(model.contract.parameter, version).archive;
  await putBytes(bucket, key, archive, 'application/gzip');
  return {
    parameter: model.contract.parameter,
    version,
    modelPackageArn: `arn:aws:sagemaker:eu-west-1:123456789012:model-package/airfill-test-pm25-models/${version.length}`,
    modelDataUrl: `s3://${bucket.name}/${key}`,
    action: 'promote',
    reason: 'test',
    forced: false,
    previousVersion: null,
    at: new Date().toISOString(),
  };
}

/** Points the mocked SSM's `/airfill/<env>/models/<slug>/current` at a model. */
export function setPointer(aws: AwsMocks, environment: string, pointer: CurrentModelPointer): void {
  aws.parameters.set(currentModelParameterName(environment, pointer.parameter), { value: JSON.stringify(pointer), type: 'String' });
}
