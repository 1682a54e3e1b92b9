/**
 * The training state machine end to end in the local engine, on the real
 * steps: export from the database, four local training jobs (xgboost CLI),
 * the cross-fit calibration, the evaluation and the gate, registration in
 * the local Model Registry, the `models` table and the current-model
 * pointer; a rejected candidate; and a failing training job.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { getCurrentModel, getModel, listPromotions, listTrainingRuns } from '@airfill/db';
import { loadReadingsCsv } from '@airfill/ingest';
import { hasXgboost, loadModel } from '@airfill/model';
import { currentModelParameterName, currentModelPointerSchema } from '@airfill/schema';
import { TRAINING_STATES } from '@airfill/workflow';
import { needsTool } from '@airfill/tooling/needs-tool';
import { runTraining, startLocalRuntime, writeSynthCsv, type LocalRuntime, type TrainingProgress } from '../src';

jest.setTimeout(300_000);

const PARAMETER = 'PM 2.5';
const withXgboost = needsTool('xgboost', hasXgboost(), 'apt-get install -y xgboost').describe;

withXgboost('the training workflow in the local engine', () => {
  let dir: string;
  let database: TestDatabase;
  let runtime: LocalRuntime;
  let modelsDir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'airfill-training-test-'));
    modelsDir = path.join(dir, 'models');
    database = await createTestDatabase();
    const csv = await writeSynthCsv(path.join(dir, 'network.csv'), { sensors: 6, days: 24, missing: 0.1, seed: 11, parameters: ['PM 2.5', 'PM 10', 'NO2'] });
    await loadReadingsCsv(database, csv.file);
    runtime = await startLocalRuntime({ parameters: [PARAMETER], dataDir: dir, database, keepObjects: false });
  });
  afterAll(async () => {
    await runtime.stop();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('promotes a candidate that beats what it is compared with: approved package, current in the models table with a gate promotion, the SSM pointer naming it', async () => {
    const events: TrainingProgress[] = [];
    const result = await runTraining(runtime, { parameter: PARAMETER, modelsDir, rounds: 60, trigger: 'test', retryIntervalMs: 10, onProgress: (event) => events.push(event) });
    expect(result).toMatchObject({ status: 'succeeded', registered: { approval: 'Approved', current: true } });
    const version = result.registered!.version;
    expect(version).toMatch(/^pm25-\d{8}-\d{6}-[0-9a-f]{8}$/);
    expect(await getCurrentModel(database, PARAMETER)).toMatchObject({ version });
    expect((await listPromotions(database, PARAMETER))[0]).toMatchObject({ version, previousVersion: null, action: 'gate', actor: 'training-workflow' });
    expect(result.run).toMatchObject({ parameter: PARAMETER, trigger: 'test', status: 'succeeded', decision: 'promoted', modelVersion: version });
    const packages = result.registry.inGroup('airfill-local-pm25-models');
    expect(packages.map((found) => found.approval)).toEqual(['Approved']);
    expect(packages[0]!.modelDataUrl).toBe(`s3://${runtime.bucket.name}/models/pm25/${version}/model.tar.gz`);
    const pointer = currentModelPointerSchema.parse(JSON.parse(runtime.parameters.parameters.get(currentModelParameterName('local', PARAMETER))!.value));
    expect(pointer).toMatchObject({ parameter: PARAMETER, version, action: 'gate', previousVersion: null, modelPackageArn: packages[0]!.arn, modelDataUrl: packages[0]!.modelDataUrl });
    // Four training jobs, each completed, and the path the definition takes.
    const jobs = events.filter((event): event is Extract<TrainingProgress, { kind: 'job' }> => event.kind === 'job');
    expect(jobs.map((job) => [job.job.replace(/^.*-/, ''), job.status]).sort()).toEqual([
      ['fold1', 'Completed'],
      ['fold2', 'Completed'],
      ['fold3', 'Completed'],
      ['model', 'Completed'],
    ]);
    const entered = events.filter((event) => event.kind === 'state' && event.phase === 'entered').map((event) => (event as { state: string }).state);
    expect(entered.filter((state) => state !== TRAINING_STATES.trainModel)).toEqual([
      TRAINING_STATES.exportTrainingData,
      TRAINING_STATES.trainModels,
      TRAINING_STATES.calibrateCandidate,
      TRAINING_STATES.evaluateCandidate,
      TRAINING_STATES.gate,
      TRAINING_STATES.registerApproved,
      TRAINING_STATES.promoted,
    ]);
    // The registered model loads as a local run loads it, with its calibration.
    const model = await loadModel((await getModel(database, version)).artifactUri);
    expect(model).toMatchObject({ version, contract: { parameter: PARAMETER } });
    expect(model.calibration).not.toBeNull();
  });

  it('registers a candidate the gate refuses as rejected: in the registry and the models table, the current model and its pointer unchanged, the run succeeded', async () => {
    const current = await getCurrentModel(database, PARAMETER);
    const pointer = runtime.parameters.parameters.get(currentModelParameterName('local', PARAMETER))?.value;
    // One boosting round barely moves off the corrected interpolation: the current model beats it on the same holdout.
    const result = await runTraining(runtime, { parameter: PARAMETER, modelsDir, rounds: 1, retryIntervalMs: 10 });
    expect(result).toMatchObject({ status: 'succeeded', registered: { approval: 'Rejected', current: false } });
    const version = result.registered!.version;
    expect(await getModel(database, version)).toMatchObject({ parameter: PARAMETER, status: 'candidate' });
    expect((await getCurrentModel(database, PARAMETER))?.version).toBe(current!.version);
    expect(result.run).toMatchObject({ status: 'succeeded', decision: 'rejected', modelVersion: version });
    expect(result.registry.inGroup('airfill-local-pm25-models').map((found) => found.approval)).toEqual(['Rejected']);
    expect(runtime.parameters.parameters.get(currentModelParameterName('local', PARAMETER))?.value).toBe(pointer);
  });

  it('records a failing training job on the run, registers nothing and fails the execution with the job\u2019s error', async () => {
    const before = (await listTrainingRuns(database)).length;
    const current = await getCurrentModel(database, PARAMETER);
    const result = await runTraining(runtime, { parameter: PARAMETER, modelsDir, rounds: 5, failingFits: ['fold2'], retryIntervalMs: 10 });
    expect(result).toMatchObject({ status: 'failed', error: { name: 'States.TaskFailed', cause: expect.stringContaining('AlgorithmError') } });
    expect(result.registered).toBeUndefined();
    expect(result.run).toMatchObject({ status: 'failed', error: { name: 'States.TaskFailed' }, decision: null, modelVersion: null });
    expect(result.registry.inGroup('airfill-local-pm25-models')).toHaveLength(0);
    expect(await listTrainingRuns(database)).toHaveLength(before + 1);
    expect((await getCurrentModel(database, PARAMETER))?.version).toBe(current?.version);
  });

  it('fails cleanly, recorded, for a parameter the data does not have', async () => {
    const result = await runTraining(runtime, { parameter: 'CO', modelsDir, rounds: 5, retryIntervalMs: 10 });
    expect(result).toMatchObject({ status: 'failed', error: { name: 'DataError', cause: expect.stringContaining('no observed values of "CO"') } });
    expect(result.run).toMatchObject({ parameter: 'CO', status: 'failed' });
  });
});
