import { computeMetrics } from '../src/metrics';

describe('computeMetrics', () => {
  it('computes MAE, RMSE, MRE (relative to total truth) and R² of predictions', () => {
    const metrics = computeMetrics([1, 2, 3, 4], [2, 2, 3, 2]);
    expect(metrics.count).toBe(4);
    expect(metrics.mae).toBeCloseTo(3 / 4, 12);
    expect(metrics.rmse).toBeCloseTo(Math.sqrt(5 / 4), 12);
    expect(metrics.mre).toBeCloseTo(3 / 10, 12);
    // Truth mean 2.5, total sum of squares 5; residual sum of squares 5.
    expect(metrics.r2).toBeCloseTo(0, 12);
  });

  it('gives R² 1 and zero errors for perfect predictions', () => {
    expect(computeMetrics([5, 7, 9], [5, 7, 9])).toEqual({ count: 3, mae: 0, rmse: 0, mre: 0, r2: 1 });
  });

  it('refuses predictions of another length than the truth', () => {
    expect(() => computeMetrics([1, 2], [1])).toThrow(RangeError);
  });
});
