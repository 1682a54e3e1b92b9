import { seededRandom } from '@airfill/model';
import { cadenceOf, kthSmallestInPlace, median, medianInPlace, resolutionOf } from '../src/series-stats';

describe('series statistics', () => {
  it('finds the median and any order statistic as sorting would, ties and all', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 2000; trial += 1) {
      const values = Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 10) - 3);
      const sorted = [...values].sort((a, b) => a - b);
      const n = sorted.length;
      const expected = n % 2 === 1 ? sorted[(n - 1) / 2] : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2;
      expect(median(values)).toBe(expected);
      const k = Math.floor(random() * n);
      expect(kthSmallestInPlace(Float64Array.from(values), n, k)).toBe(sorted[k]);
    }
    expect(Number.isNaN(medianInPlace(new Float64Array(0)))).toBe(true);
    expect(medianInPlace(Float64Array.from([5, 1, 9, 3]), 3)).toBe(5);
  });

  it("tells a series' cadence and resolution", () => {
    expect(cadenceOf(Float64Array.from([0, 10, 20, 40, 50]))).toBe(10);
    expect(Number.isNaN(cadenceOf(Float64Array.from([5])))).toBe(true);
    expect(resolutionOf(Float64Array.from([3, 4, 7, 4]))).toBe(1);
    expect(resolutionOf(Float64Array.from([0.1, 0.3, 0.2, 20.5]))).toBeCloseTo(0.1, 9);
    expect(resolutionOf(Float64Array.from([2, 2, 2]))).toBe(Infinity);
  });
});
