import { buildFeatureMatrixFromContext, makeFeatureContract, prepareFeatureContext, type FeatureMatrix, type Observation } from '@airfill/features';
import type { Dataset } from '../src/dataset';
import { scoreOnHoldout, summariseScores, type Evaluation } from '../src/evaluate';
import { decidePromotion } from '../src/gate';
import { drawHoldout, type Holdout } from '../src/holdout';
import { drawMask, planMasks } from '../src/mask-plan';
import { buildTrainingSet } from '../src/training-set';
import { syntheticNetwork } from './helpers/synthetic';

/**
 * Leak-proof by test: the values a mask hides are replaced by an absurd
 * constant in the data itself. If they reached any feature (or any baseline)
 * the features, the metrics and the gate's decision would move; they must
 * not move at all. Metrics are computed against the real truth both times.
 */
const PM = 'PM 2.5';
const POISON = 1e6;
const HOUR = 3_600_000;

/** A network with real outages at scattered hours, so masks are copied from them. */
function network(): Dataset {
  const dataset = syntheticNetwork({ sensors: 6, days: 30, seed: 8 });
  const start = dataset.observations[0]!.ts;
  const observations = dataset.observations.map((observation) => {
    const hour = Math.round((observation.ts - start) / HOUR);
    const down = (hour * 7 + Number(observation.deviceId.slice(1)) * 13) % 53 < 2;
    return down ? { ...observation, value: null } : observation;
  });
  return { ...dataset, observations };
}

function poisoned(dataset: Dataset, masked: Uint8Array, positions: readonly Observation[]): Dataset {
  const hidden = new Set(positions.filter((_, at) => masked[at] === 1));
  return { ...dataset, observations: dataset.observations.map((observation) => (hidden.has(observation) ? { ...observation, value: POISON } : observation)) };
}

const contract = makeFeatureContract(PM, ['PM 10', 'Temperature']);
/** Two stand-in models that differ: the baseline itself, and the baseline plus a tenth of the neighbours' change. */
const plain = { version: 'plain', contract, predict: (matrix: FeatureMatrix) => new Float64Array(matrix.rows) };
const changeAt = contract.columns.indexOf('nb_change_idw');
const nudged = {
  version: 'nudged',
  contract,
  predict: (matrix: FeatureMatrix) => Float64Array.from({ length: matrix.rows }, (_, row) => 0.1 * ((matrix.values[row * matrix.columns + changeAt] as number) || 0)),
};

function matrixOf(dataset: Dataset, holdout: Holdout): FeatureMatrix {
  const draw = holdout.draws[0]!;
  return buildFeatureMatrixFromContext(prepareFeatureContext({ sites: dataset.sites, observations: draw.context }, PM), draw.targets, contract);
}

describe('the values a mask hides never reach the features', () => {
  const dataset = network();
  const plan = planMasks(dataset.observations, PM);
  const clean = drawHoldout(dataset, PM, { repeats: 1 }, plan);
  // The masks depend on where values are observed, not on what they are: the poisoned data gets the same holdout.
  const holdoutMask = drawMask(dataset.observations, plan, { parameter: PM, share: clean.options.share, seed: clean.options.seed, from: clean.from, to: clean.to });
  const poisonedData = poisoned(dataset, holdoutMask, dataset.observations);
  const dirty = drawHoldout(poisonedData, PM, { repeats: 1 }, planMasks(poisonedData.observations, PM));

  it('masks real outage shapes on this data, and the same values with the poison in', () => {
    expect(plan.kind).toBe('real');
    expect(clean.draws[0]!.targets.length).toBeGreaterThan(100);
    expect(dirty.draws[0]!.targets).toEqual(clean.draws[0]!.targets);
    expect(Array.from(dirty.draws[0]!.truth).every((value) => value === POISON)).toBe(true);
  });

  it('builds the same holdout features and baselines', () => {
    expect(Array.from(matrixOf(poisonedData, dirty).values)).toEqual(Array.from(matrixOf(dataset, clean).values));
    const cleanScores = scoreOnHoldout(plain, dataset.sites, clean);
    const dirtyScores = scoreOnHoldout(plain, poisonedData.sites, dirty);
    expect(Array.from(dirtyScores.linear)).toEqual(Array.from(cleanScores.linear));
    expect(Array.from(dirtyScores.locf)).toEqual(Array.from(cleanScores.locf));
    expect(Array.from(dirtyScores.stationMean)).toEqual(Array.from(cleanScores.stationMean));
  });

  it('gives the same metrics and the same gate decision (scored against the real truth)', () => {
    const evaluate = (model: typeof plain, data: Dataset, holdout: Holdout): Evaluation => {
      const scores = { ...scoreOnHoldout(model, data.sites, holdout), truth: scoreOnHoldout(model, dataset.sites, clean).truth };
      return { scores, table: summariseScores(scores, model.version, holdout, null) };
    };
    const cleanPair = [evaluate(nudged, dataset, clean), evaluate(plain, dataset, clean)] as const;
    const dirtyPair = [evaluate(nudged, poisonedData, dirty), evaluate(plain, poisonedData, dirty)] as const;
    expect(dirtyPair[0].table.model).toEqual(cleanPair[0].table.model);
    expect(dirtyPair[0].table.strata).toEqual(cleanPair[0].table.strata);
    expect(decidePromotion(...dirtyPair)).toEqual(decidePromotion(...cleanPair));
  });

  it('builds the same training features from a training mask whose hidden values are poisoned', () => {
    const before = clean.from;
    const observations = dataset.observations.filter((observation) => observation.ts < before);
    const trainingMask = drawMask(observations, plan, { parameter: PM, share: 0.15, seed: 1, from: observations[0]!.ts, to: before });
    const poisonedTraining = poisoned(dataset, trainingMask, observations);
    const options = { before, copies: 1, share: 0.15, seed: 1, plan };
    const cleanSet = buildTrainingSet(dataset, contract, options);
    const dirtySet = buildTrainingSet(poisonedTraining, contract, { ...options, plan: planMasks(poisonedTraining.observations, PM) });
    expect(cleanSet.rows).toBeGreaterThan(300);
    expect(Array.from(dirtySet.values)).toEqual(Array.from(cleanSet.values));
    // The labels are the hidden values (minus the baseline): those, and only those, carry the poison.
    expect(Array.from(dirtySet.labels).every((label) => label > POISON / 2)).toBe(true);
  });
});
