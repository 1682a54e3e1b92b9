import { imputeMissing } from '../src/impute';
import { join } from 'node:path';
import { loadModel, type LoadedModel } from '../src/artifact';
import { DEFAULT_MODELS_DIR } from '../src/model-set';

/** The committed default PM 2.5 model. */
const DEFAULT_MODEL_DIR = join(DEFAULT_MODELS_DIR, 'pm25');
import { DataError } from '../src/errors';
import { syntheticNetwork } from './helpers/synthetic';

const HOUR = 3_600_000;

let model: LoadedModel;
beforeAll(async () => {
  // The committed default model: imputation must work without xgboost.
  model = await loadModel(DEFAULT_MODEL_DIR);
});

describe('imputeMissing with the default model', () => {
  it('predicts every missing value, finite, including a sensor with no observations at all', () => {
    const dataset = syntheticNetwork({ sensors: 5, days: 6, seed: 9 });
    const start = dataset.observations[0]!.ts;
    const observations = dataset.observations.map((observation) => {
      const hour = (observation.ts - start) / HOUR;
      const gap = observation.deviceId === 's1' && hour >= 40 && hour < 52;
      const dead = observation.deviceId === 's4';
      return observation.parameter === 'PM 2.5' && (gap || dead) ? { ...observation, value: null } : observation;
    });
    const missing = observations.filter((observation) => observation.parameter === 'PM 2.5' && observation.value === null);
    const filled = imputeMissing({ ...dataset, observations }, model);
    expect(filled).toHaveLength(missing.length);
    expect(missing.length).toBeGreaterThan(0);
    expect(filled.filter((value) => Number.isFinite(value.value) && value.modelVersion === model.version && value.parameter === 'PM 2.5')).toHaveLength(missing.length);
    // Every value carries its calibrated interval, around it.
    expect(filled.filter((value) => value.lower !== null && value.upper !== null && value.lower <= value.value && value.value <= value.upper && value.upper > value.lower)).toHaveLength(missing.length);
    expect(new Set(filled.map((value) => `${value.deviceId}@${value.ts}`))).toEqual(new Set(missing.map((value) => `${value.deviceId}@${value.ts}`)));
    // The dead sensor gets its neighbours' level, not zero or the model's bias.
    const truth = dataset.observations.filter((observation) => observation.deviceId === 's4' && observation.parameter === 'PM 2.5');
    const truthMean = truth.reduce((sum, observation) => sum + (observation.value ?? 0), 0) / truth.length;
    const deadMean = filled.filter((value) => value.deviceId === 's4').reduce((sum, value) => sum + value.value, 0) / truth.length;
    expect(Math.abs(deadMean - truthMean) / truthMean).toBeLessThan(0.5);
  });

  it('returns nothing when nothing is missing', () => {
    expect(imputeMissing(syntheticNetwork({ sensors: 2, days: 2, seed: 2 }), model)).toEqual([]);
  });

  it('refuses a file with no observed value of the parameter at all', () => {
    const dataset = syntheticNetwork({ sensors: 2, days: 1, seed: 2 });
    const observations = dataset.observations.map((observation) => (observation.parameter === 'PM 2.5' ? { ...observation, value: null } : observation));
    expect(() => imputeMissing({ ...dataset, observations }, model)).toThrow(DataError);
  });
});
