import { makeFeatureContract } from '@airfill/features';
import { planMasks } from '../src/mask-plan';
import { buildTrainingSet } from '../src/training-set';
import { syntheticNetwork } from './helpers/synthetic';

const PM = 'PM 2.5';

describe('buildTrainingSet', () => {
  const dataset = syntheticNetwork({ sensors: 6, days: 20, seed: 4 });
  const contract = makeFeatureContract(PM, ['PM 10', 'Temperature']);
  const plan = planMasks(dataset.observations, PM);
  const before = dataset.observations[dataset.observations.length - 1]!.ts;

  it('takes every hidden value of a mask while it holds fewer than targetRows / minCopies', () => {
    const full = buildTrainingSet(dataset, contract, { before, plan, copies: 6 });
    expect(full.copies).toBe(6);
    // About 15% of 6 sensors x 20 days of hourly PM 2.5 per mask.
    expect(full.rows / full.copies).toBeGreaterThan(0.12 * 6 * 20 * 24);
  });

  it('samples each mask down to targetRows / minCopies rows when one mask hides more, still drawing minCopies masks', () => {
    const capped = buildTrainingSet(dataset, contract, { before, plan, copies: 24, targetRows: 600, minCopies: 6 });
    expect(capped.copies).toBe(6);
    expect(capped.rows).toBe(600);
    // Deterministic: the same options give the same rows.
    const again = buildTrainingSet(dataset, contract, { before, plan, copies: 24, targetRows: 600, minCopies: 6 });
    expect(again.values).toEqual(capped.values);
    expect(again.labels).toEqual(capped.labels);
  });
});
