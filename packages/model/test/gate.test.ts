import { decidePromotion } from '../src/gate';
import type { EvaluationTable } from '../src/evaluate';

const metrics = (mae: number) => ({ count: 10, mae, rmse: mae * 1.5, mre: mae / 50, r2: 0.5 });
const table = (version: string, mae: number, linear = 20): EvaluationTable => ({
  parameter: 'PM 2.5',
  holdout: { from: '2024-01-01T00:00:00.000Z', to: '2024-02-01T00:00:00.000Z', count: 10, fraction: 0.2, share: 0.1, seed: 7 },
  model: { version, ...metrics(mae) },
  baselines: { stationMean: metrics(40), locf: metrics(30), linear: metrics(linear) },
});

describe('decidePromotion', () => {
  it('promotes a candidate that beats the current model on the same holdout', () => {
    expect(decidePromotion(table('new', 10), table('old', 12))).toMatchObject({ promote: true, forced: false });
  });

  it('keeps the current model when the candidate is not better, unless forced, and says so', () => {
    const kept = decidePromotion(table('new', 12), table('old', 12));
    expect(kept).toMatchObject({ promote: false, forced: false });
    expect(kept.reason).toMatch(/does not beat current model old/);
    const forced = decidePromotion(table('new', 12), table('old', 12), true);
    expect(forced).toMatchObject({ promote: true, forced: true });
    expect(forced.reason).toMatch(/--force/);
  });

  it('with no current model, promotes only a candidate that beats every baseline', () => {
    expect(decidePromotion(table('new', 19), null).promote).toBe(true);
    expect(decidePromotion(table('new', 21), null).promote).toBe(false);
  });
});
