import { DEFAULT_MODELS_DIR } from '@airfill/model';
import { modelPinSchema, runKeys, transformManifestSchema, type DeployedModels } from '@airfill/schema';
import {
  currentModelCatalog,
  currentPointerReader,
  deployedModelCatalog,
  getText,
  pointerModels,
  queryMissing,
  runIdFor,
  servingModelName,
  silentLogger,
  startTransform,
  type Bucket,
} from '../src';
import { awsDeps, executionArn, MODEL_NAME, transformSettings, useFixture, type Fixture } from './support/fixture';
import { setPointer, uploadPointerModel } from './support/pointer-model';
import { PARAMETER } from './support/seed';

let fixture: Fixture;
useFixture((opened) => (fixture = opened), ['claims', 'imputations']);

const SERVING = { namePrefix: 'airfill-dev', image: '492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-xgboost:1.7-1', executionRoleArn: 'arn:aws:iam::123456789012:role/airfill-dev-sagemaker' };

/** A container's catalog, as the Lambdas build it, on a clock the test moves. */
function catalogOf(bucket: Bucket, clock: { now: number } = { now: 0 }) {
  const deployedModels: DeployedModels = { [PARAMETER]: { name: MODEL_NAME, version: fixture.model.version } };
  return currentModelCatalog(
    {
      bucket,
      pointers: currentPointerReader(fixture.aws.clients.ssm, 'dev', { now: () => clock.now }),
      pointerModels: pointerModels(bucket),
      deployed: deployedModelCatalog(DEFAULT_MODELS_DIR, deployedModels),
      deployedModels,
      logger: silentLogger,
    },
    { sagemaker: fixture.aws.clients.sagemaker, ...SERVING },
  );
}

beforeEach(() => {
  fixture.aws.parameters.delete('/airfill/dev/models/pm25/current');
  fixture.aws.models.clear();
});

describe('the current-model catalog', () => {
  it('fills with the model the pointer names: its contract for query-missing, a SageMaker model created for it, its version on the run', async () => {
    const bucket = await fixture.local.bucket();
    const pointer = await uploadPointerModel(bucket, fixture.model, 'pm25-20261201-080000-feedbeef');
    setPointer(fixture.aws, 'dev', pointer);
    const executionId = executionArn('c-pointer');
    const models = catalogOf(bucket).forExecution(executionId);

    const run = await queryMissing({ database: fixture.database, bucket, logger: silentLogger }, { maxReadings: 100, livePoints: 0, contractOf: (parameter) => models.contractOf(parameter) }, { executionId, parameter: PARAMETER, input: {} });
    const pin = modelPinSchema.parse(JSON.parse(await getText(bucket, runKeys(run.runId).model)));
    expect(pin).toMatchObject({ source: 'pointer', version: pointer.version, pointer: { modelDataUrl: pointer.modelDataUrl } });

    const result = await startTransform(awsDeps(fixture, bucket), { ...transformSettings(fixture), modelOf: (parameter) => models.modelOf(parameter) }, { executionId, run, taskToken: 't-pointer' });
    expect(result).toMatchObject({ state: 'created', rows: 5 });
    const name = 'airfill-dev-m-pm25-20261201-080000-feedbeef';
    expect(fixture.aws.requests('CreateModelCommand')).toEqual([
      expect.objectContaining({
        ModelName: name,
        ExecutionRoleArn: SERVING.executionRoleArn,
        EnableNetworkIsolation: true,
        PrimaryContainer: { Image: SERVING.image, ModelDataUrl: pointer.modelDataUrl },
      }),
    ]);
    expect(fixture.aws.requests('CreateTransformJobCommand').at(-1)).toMatchObject({ ModelName: name, Tags: expect.arrayContaining([{ Key: 'airfill:model-version', Value: pointer.version }]) });
    // The version every imputation of the run is recorded under.
    const manifest = transformManifestSchema.parse(JSON.parse(await getText(bucket, runKeys(run.runId).transform)));
    expect(manifest.modelVersion).toBe(pointer.version);
    // Its holdout figures travel too: the live check's yardstick.
    expect(manifest.holdout).toMatchObject({ mae: fixture.model.metrics.model.mae, linearMae: fixture.model.metrics.baselines.linear.mae });
  });

  it('falls back to the deployed default (AIRFILL_MODELS) when the parameter has no pointer, creating no SageMaker model', async () => {
    const bucket = await fixture.local.bucket();
    const models = catalogOf(bucket).forExecution(executionArn('c-default'));
    expect(await models.contractOf(PARAMETER)).toEqual(fixture.model.contract);
    const model = await models.modelOf(PARAMETER);
    expect(model).toMatchObject({ name: MODEL_NAME, version: fixture.model.version });
    expect(fixture.aws.requests('CreateModelCommand')).toHaveLength(0);
    expect(fixture.aws.requests('DescribeModelCommand')).toHaveLength(0);
    expect(await models.contractOf('Temperature')).toBeUndefined();
  });

  it('keeps a run on the model it pinned when the pointer moves; the next run, after the cache expires, uses the new version', async () => {
    const bucket = await fixture.local.bucket();
    const clock = { now: 0 };
    const catalog = catalogOf(bucket, clock);
    const first = await uploadPointerModel(bucket, fixture.model, 'pm25-20261201-080000-00000001');
    const second = await uploadPointerModel(bucket, fixture.model, 'pm25-20261208-080000-00000002');
    setPointer(fixture.aws, 'dev', first);
    const running = catalog.forExecution(executionArn('c-moved-1'));
    await running.contractOf(PARAMETER);

    setPointer(fixture.aws, 'dev', second);
    clock.now += 61_000;
    // The run under way scores with the model it planned with, even on a cold container (the pin is in S3).
    expect((await running.modelOf(PARAMETER))?.version).toBe(first.version);
    expect((await catalogOf(bucket).forExecution(executionArn('c-moved-1')).modelOf(PARAMETER))?.version).toBe(first.version);
    // The next run reads the pointer again.
    const next = catalog.forExecution(executionArn('c-moved-2'));
    expect((await next.modelOf(PARAMETER))?.version).toBe(second.version);
    expect(fixture.aws.requests('CreateModelCommand').map((request) => request.ModelName)).toEqual([
      'airfill-dev-m-pm25-20261201-080000-00000001',
      'airfill-dev-m-pm25-20261208-080000-00000002',
    ]);
  });

  it('reads a pointer at most once a minute per container: a promotion within the minute reaches the run after', async () => {
    const bucket = await fixture.local.bucket();
    const clock = { now: 0 };
    const catalog = catalogOf(bucket, clock);
    const first = await uploadPointerModel(bucket, fixture.model, 'pm25-20261201-080000-00000001');
    setPointer(fixture.aws, 'dev', first);
    await catalog.forExecution(executionArn('c-ttl-1')).contractOf(PARAMETER);
    setPointer(fixture.aws, 'dev', await uploadPointerModel(bucket, fixture.model, 'pm25-20261208-080000-00000002'));
    clock.now += 30_000;
    await catalog.forExecution(executionArn('c-ttl-2')).contractOf(PARAMETER);
    const pinned = async (name: string) => modelPinSchema.parse(JSON.parse(await getText(bucket, runKeys(runIdFor(executionArn(name), PARAMETER)).model))).version;
    expect(await pinned('c-ttl-2')).toBe(first.version);
    expect(fixture.aws.requests('GetParameterCommand')).toHaveLength(1);
    clock.now += 31_000;
    await catalog.forExecution(executionArn('c-ttl-3')).contractOf(PARAMETER);
    expect(await pinned('c-ttl-3')).toBe('pm25-20261208-080000-00000002');
  });

  it('reuses the SageMaker model when it already exists (an earlier run, a retry, a concurrent run), and refuses one of that name serving other data', async () => {
    const bucket = await fixture.local.bucket();
    const pointer = await uploadPointerModel(bucket, fixture.model, 'pm25-20261201-080000-abcdef01');
    setPointer(fixture.aws, 'dev', pointer);
    const name = servingModelName('airfill-dev', PARAMETER, pointer.version);
    fixture.aws.models.set(name, { modelDataUrl: pointer.modelDataUrl });
    expect(await catalogOf(bucket).forExecution(executionArn('c-reuse')).modelOf(PARAMETER)).toMatchObject({ name, version: pointer.version });
    expect(fixture.aws.requests('CreateModelCommand')).toHaveLength(0);

    // Created by a concurrent run between this one's DescribeModel and CreateModel: "already exists" is success.
    fixture.aws.models.clear();
    fixture.aws.createModelConcurrently(name, pointer.modelDataUrl);
    expect(await catalogOf(bucket).forExecution(executionArn('c-race')).modelOf(PARAMETER)).toMatchObject({ name, version: pointer.version });
    expect(fixture.aws.requests('CreateModelCommand')).toHaveLength(1);

    fixture.aws.models.set(name, { modelDataUrl: 's3://elsewhere/model.tar.gz' });
    await expect(catalogOf(bucket).forExecution(executionArn('c-clash')).modelOf(PARAMETER)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('serves s3://elsewhere/model.tar.gz'),
    });
  });

  it('refuses a pointer that is not one, rather than filling with the deployed default', async () => {
    const bucket = await fixture.local.bucket();
    fixture.aws.parameters.set('/airfill/dev/models/pm25/current', { value: '{"parameter":"PM 2.5"}', type: 'String' });
    await expect(catalogOf(bucket).forExecution(executionArn('c-bad')).contractOf(PARAMETER)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('/airfill/dev/models/pm25/current is not a current-model pointer'),
    });
  });
});

describe('servingModelName', () => {
  it('is deterministic, unique per version and at most 63 characters, SageMaker characters only', () => {
    const long = `pm25-${'x'.repeat(80)}`;
    const names = ['pm25-20261201-080000-feedbeef', 'v1.2', 'v1-2', long, `${long}y`].map((version) => servingModelName('airfill-staging', PARAMETER, version));
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((name) => /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(name) && name.startsWith('airfill-staging-m-pm25-'))).toHaveLength(names.length);
    expect(servingModelName('airfill-staging', PARAMETER, long)).toBe(names[3]);
  });
});
