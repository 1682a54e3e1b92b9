import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeDataset, encodeDataset } from '../src/dataset-file';
import { DataError } from '../src/errors';
import { prepareTraining } from '../src/training-plan';
import { syntheticNetwork } from './helpers/synthetic';

describe('the dataset file', () => {
  const dataset = syntheticNetwork({ sensors: 4, days: 10, seed: 2 });
  // Some missing values and a value that is not a whole number of tenths, to check both survive.
  dataset.observations[5]!.value = null;
  dataset.observations[7]!.value = 1 / 3;

  it('decodes to the very observations, in their order, with their sites and parameters', () => {
    const decoded = decodeDataset(encodeDataset(dataset));
    expect(decoded.sites).toEqual(dataset.sites);
    expect(decoded.parameters).toEqual(dataset.parameters);
    expect(decoded.observations).toHaveLength(dataset.observations.length);
    expect(decoded.observations).toEqual(dataset.observations);
  });

  it('plans the same training from the decoded file as from the original (same holdout, same masks)', () => {
    const original = prepareTraining(dataset, 'PM 2.5');
    const again = prepareTraining(decodeDataset(encodeDataset(dataset)), 'PM 2.5');
    expect(again.holdout.from).toBe(original.holdout.from);
    expect(again.holdout.draws.map((draw) => draw.targets)).toEqual(original.holdout.draws.map((draw) => draw.targets));
    expect(again.contract).toEqual(original.contract);
  });

  it('is much smaller than the observations as JSON', () => {
    expect(encodeDataset(dataset).length).toBeLessThan(JSON.stringify(dataset.observations).length / 5);
  });

  it('refuses a file that is not a dataset, saying so', () => {
    expect(() => decodeDataset(Buffer.from('plain text'))).toThrow(DataError);
    expect(() => decodeDataset(gzipSync(JSON.stringify({ format: 'other' })))).toThrow(/not an airfill dataset/);
    const lying = JSON.parse(gunzipSync(encodeDataset(dataset)).toString()) as { observations: { device: number[] } };
    lying.observations.device[0] = 99;
    expect(() => decodeDataset(gzipSync(JSON.stringify(lying)))).toThrow(/does not list/);
  });
});
