import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFeatureMatrixFromContext, prepareFeatureContext } from '@airfill/features';
import { trainModel, type TrainResult } from '../src/train';
import { loadModel } from '../src/artifact';
import { scoreOnHoldout } from '../src/evaluate';
import { needsTool } from '@airfill/tooling/needs-tool';
import { hasXgboost } from '../src/xgboost-cli';
import { ModelFormatError, DataError } from '../src/errors';
import { syntheticNetwork } from './helpers/synthetic';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airfill-train-test-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const withXgboost = needsTool('xgboost', hasXgboost(), 'apt-get install -y xgboost').describe;

withXgboost('trainModel on a synthetic network', () => {
  const dataset = syntheticNetwork({ sensors: 8, days: 40, seed: 5 });
  let result: TrainResult;

  beforeAll(async () => {
    result = await trainModel(dataset, { parameter: 'PM 2.5', outDir: join(dir, 'model'), rounds: 120, copies: 3, source: 'synthetic', refit: true });
  }, 240_000);

  it('beats linear interpolation and every other baseline on the masked holdout, overall and in every gap stratum', () => {
    const { table } = result.evaluation;
    expect(table.holdout.count).toBeGreaterThan(100);
    expect(table.model.mae).toBeLessThan(table.baselines.linear.mae);
    expect(table.model.mae).toBeLessThan(table.baselines.locf.mae);
    expect(table.model.mae).toBeLessThan(table.baselines.stationMean.mae);
    const strata = Object.values(table.strata.gap);
    expect(strata.length).toBeGreaterThan(2);
    for (const stratum of strata) if (stratum.count >= 100) expect(stratum.model.mae).toBeLessThan(stratum.linear.mae);
  });

  it('trains the evaluated fit only on data before the holdout, and the served model on all of it', () => {
    expect(new Date(result.model.metrics.holdout.from).getTime()).toBe(result.holdout.from);
    expect(result.model.metrics.training.rows).toBeGreaterThan(500);
    expect(result.model.metrics.training.refit).toBe(true);
    expect(Date.parse(result.model.metrics.training.through!)).toBeGreaterThan(result.holdout.from);
  });

  it('calibrates intervals that hold about their nominal share of held-out values they never saw', () => {
    const intervals = result.evaluation.table.intervals!;
    expect(intervals.level).toBe(0.9);
    expect(intervals.overall.count).toBe(result.evaluation.table.holdout.count);
    expect(intervals.overall.coverage).toBeGreaterThan(0.8);
    expect(intervals.overall.coverage).toBeLessThan(0.99);
    expect(result.model.calibration?.level).toBe(0.9);
  });

  it('writes a model directory that loads back and predicts exactly as the trained model, with its calibration', async () => {
    const loaded = await loadModel(join(dir, 'model'));
    expect(loaded.version).toBe(result.model.version);
    expect(loaded.contract).toEqual(result.model.contract);
    expect(loaded.calibration).toEqual(result.model.calibration);
    expect(loaded.metrics.training.source).toBe('synthetic');
    const again = scoreOnHoldout(loaded, dataset.sites, result.holdout);
    const first = scoreOnHoldout(result.model, dataset.sites, result.holdout);
    expect(Array.from(again.predicted)).toEqual(Array.from(first.predicted));
  });

  it('refuses a matrix built with another contract than the model', async () => {
    const loaded = await loadModel(join(dir, 'model'));
    const other = { ...loaded.contract, columns: [...loaded.contract.columns].reverse() };
    const context = prepareFeatureContext({ sites: dataset.sites, observations: [] }, 'PM 2.5');
    expect(() => loaded.predict(buildFeatureMatrixFromContext(context, [], other))).toThrow(ModelFormatError);
  });
});

describe('trainModel input checks', () => {
  it('refuses data without observed values of the parameter, naming the parameters it has', async () => {
    const dataset = syntheticNetwork({ sensors: 2, days: 2, seed: 1 });
    await expect(trainModel(dataset, { parameter: 'NO2', outDir: join(dir, 'x') })).rejects.toThrow(DataError);
    await expect(trainModel(dataset, { parameter: 'NO2', outDir: join(dir, 'x') })).rejects.toThrow(/PM 10, PM 2.5, Temperature/);
  });
});

describe('loadModel', () => {
  it('says which file is missing or broken', async () => {
    await expect(loadModel(join(dir, 'nowhere'))).rejects.toThrow(/cannot read .*model\.json/);
    const broken = join(dir, 'broken');
    await mkdir(broken);
    await writeFile(join(broken, 'model.json'), '{ not json');
    await expect(loadModel(broken)).rejects.toThrow(/model\.json is not JSON/);
  });
});
