import { getCurrentModel, listPromotions, registerModel } from '@airfill/db';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { currentModelPointerSchema } from '@airfill/schema';
import { promoteModel, silentLogger } from '../src';
import { mockAws, type AwsMocks } from './support/aws-mocks';

let database: TestDatabase;
let aws: AwsMocks;
beforeAll(async () => {
  database = await createTestDatabase();
  aws = mockAws();
});
afterAll(async () => {
  aws.restore();
  await database.drop();
});
afterEach(() => aws.sagemaker.resetHistory());

const POINTER = '/airfill/dev/models/pm25/current';
const arnOf = (version: string) => `arn:aws:sagemaker:eu-west-1:123456789012:model-package/airfill-dev-pm25-models/${version.slice(-1)}`;

/** A model as the training workflow registers it: model.tar.gz in S3, its package, the gate's decision. */
async function registered(version: string, promote: boolean) {
  await registerModel(database, {
    version,
    parameter: 'PM 2.5',
    artifactUri: `s3://airfill-dev-data/models/pm25/${version}/model.tar.gz`,
    featureContract: {},
    metrics: { model: { mae: 5 }, gate: { promote, reason: promote ? 'beats the current model' : 'does not beat the current model in the 25h+ stratum', forced: false }, registry: { modelPackageArn: arnOf(version) } },
  });
}

const deps = () => ({ database, sagemaker: aws.clients.sagemaker, ssm: aws.clients.ssm, logger: silentLogger });
const pointer = () => currentModelPointerSchema.parse(JSON.parse(aws.parameters.get(POINTER)!.value));
const current = async () => (await getCurrentModel(database, 'PM 2.5'))?.version;

describe('promote-model', () => {
  beforeAll(async () => {
    await registered('pm25-m1', true);
    await registered('pm25-m2', true);
    await registered('pm25-m3', false);
  });

  it('promotes a model: the models table and ledger, its package Approved and the pointer all name it', async () => {
    await promoteModel(deps(), { environment: 'dev' }, { action: 'promote', version: 'pm25-m1', reason: 'first', actor: 'jane' });
    const result = await promoteModel(deps(), { environment: 'dev' }, { action: 'promote', version: 'pm25-m2', reason: 'better on winter smog', actor: 'jane' });
    expect(result).toEqual({ parameter: 'PM 2.5', version: 'pm25-m2', previousVersion: 'pm25-m1', action: 'promote', forced: false, changed: true, pointer: POINTER });
    expect(await current()).toBe('pm25-m2');
    expect(aws.approvals.get(arnOf('pm25-m2'))).toBe('Approved');
    expect(pointer()).toMatchObject({ parameter: 'PM 2.5', version: 'pm25-m2', modelPackageArn: arnOf('pm25-m2'), modelDataUrl: 's3://airfill-dev-data/models/pm25/pm25-m2/model.tar.gz', action: 'promote', reason: 'better on winter smog', forced: false, previousVersion: 'pm25-m1' });
    expect((await listPromotions(database, 'PM 2.5'))[0]).toMatchObject({ version: 'pm25-m2', action: 'promote', actor: 'jane', forced: false });
  });

  it('refuses a model the gate refused without force, changing nothing', async () => {
    const before = aws.parameters.get(POINTER)!.value;
    await expect(promoteModel(deps(), { environment: 'dev' }, { action: 'promote', version: 'pm25-m3', reason: 'try it' })).rejects.toMatchObject({
      name: 'PromotionRefusedError',
      message: expect.stringContaining('the evaluation gate refused pm25-m3'),
    });
    expect(await current()).toBe('pm25-m2');
    expect(aws.parameters.get(POINTER)!.value).toBe(before);
    expect(aws.requests('UpdateModelPackageCommand')).toHaveLength(0);
  });

  it('promotes a refused model with force, approving its package and recording it as forced', async () => {
    const result = await promoteModel(deps(), { environment: 'dev' }, { action: 'promote', version: 'pm25-m3', reason: 'the gate stratum is noise here', force: true });
    expect(result).toMatchObject({ version: 'pm25-m3', previousVersion: 'pm25-m2', forced: true, changed: true });
    expect(aws.approvals.get(arnOf('pm25-m3'))).toBe('Approved');
    expect(pointer()).toMatchObject({ version: 'pm25-m3', forced: true, previousVersion: 'pm25-m2' });
    expect((await listPromotions(database, 'PM 2.5'))[0]).toMatchObject({ version: 'pm25-m3', forced: true, actor: 'lambda' });
  });

  it('rolls back one step: the model before current again, the package it leaves Rejected, the pointer moved back; a repeat with "from" changes nothing', async () => {
    const result = await promoteModel(deps(), { environment: 'dev' }, { action: 'rollback', parameter: 'PM 2.5', from: 'pm25-m3', reason: 'live MAE doubled' });
    expect(result).toEqual({ parameter: 'PM 2.5', version: 'pm25-m2', previousVersion: 'pm25-m3', action: 'rollback', forced: false, changed: true, pointer: POINTER });
    expect(await current()).toBe('pm25-m2');
    expect(aws.approvals.get(arnOf('pm25-m3'))).toBe('Rejected');
    expect(aws.approvals.get(arnOf('pm25-m2'))).toBe('Approved');
    expect(pointer()).toMatchObject({ version: 'pm25-m2', action: 'rollback', reason: 'live MAE doubled', previousVersion: 'pm25-m3' });

    const ledger = (await listPromotions(database, 'PM 2.5')).length;
    const again = await promoteModel(deps(), { environment: 'dev' }, { action: 'rollback', parameter: 'PM 2.5', from: 'pm25-m3', reason: 'live MAE doubled' });
    expect(again).toMatchObject({ version: 'pm25-m2', previousVersion: 'pm25-m3', changed: false });
    expect(await current()).toBe('pm25-m2');
    expect(await listPromotions(database, 'PM 2.5')).toHaveLength(ledger);

    const further = await promoteModel(deps(), { environment: 'dev' }, { action: 'rollback', parameter: 'PM 2.5', reason: 'one more step' });
    expect(further).toMatchObject({ version: 'pm25-m1', previousVersion: 'pm25-m2', changed: true });
    expect(pointer()).toMatchObject({ version: 'pm25-m1', action: 'rollback' });
  });

  it('puts the pointer back in step when asked again for the current model (a call that died after the ledger)', async () => {
    aws.parameters.delete(POINTER);
    const result = await promoteModel(deps(), { environment: 'dev' }, { action: 'promote', version: 'pm25-m1', reason: 'resync' });
    expect(result).toMatchObject({ version: 'pm25-m1', changed: false });
    expect(pointer()).toMatchObject({ version: 'pm25-m1', action: 'rollback', reason: 'one more step' });
  });

  it('refuses a model the cloud cannot serve (registered locally, no package) before changing anything', async () => {
    await registerModel(database, { version: 'pm25-local', parameter: 'PM 2.5', artifactUri: '/tmp/models/pm25-local', featureContract: {}, metrics: { gate: { promote: true, reason: 'ok' } } });
    await expect(promoteModel(deps(), { environment: 'dev' }, { action: 'promote', version: 'pm25-local', reason: 'x' })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('the cloud fill cannot serve it'),
    });
    expect(await current()).toBe('pm25-m1');
  });
});
