import { makeFeatureContract, type FeatureMatrix } from '@airfill/features';
import { calibrationKeysOf, calibrationTableSchema, fitCalibration, intervalFor, type CalibrationPoint } from '../src/calibration';
import { computeIntervalMetrics } from '../src/interval-metrics';
import { seededRandom } from '../src/random';
import { GAP_STRATA, gapStratumOf } from '../src/strata';

const HOUR = 3_600_000;

/** A standard normal draw (Box-Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Predictions with known noise: the error's spread grows with the gap length
 * and is larger when no neighbour is observed, and it is skewed upwards
 * (pollution rises faster than it falls), as the real residuals are.
 */
function points(count: number, seed: number): CalibrationPoint[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const gapSteps = [1, 2, 5, 12, 40][Math.floor(random() * 5)]!;
    const neighboursObserved = random() < 0.3 ? 0 : 3;
    const predicted = 10 + 90 * random();
    const spread = (2 + Math.log2(gapSteps) * 3) * (neighboursObserved === 0 ? 1.8 : 1);
    const error = normal(random) * spread;
    return { gapSteps, neighboursObserved, predicted, truth: predicted + (error > 0 ? 1.5 * error : error) };
  });
}

function coverageOf(table: ReturnType<typeof fitCalibration>, test: CalibrationPoint[]) {
  const intervals = test.map((point) => intervalFor(table, point, point.predicted));
  return computeIntervalMetrics(
    test.map((point) => point.truth),
    intervals.map((interval) => interval.lower),
    intervals.map((interval) => interval.upper),
    table.level,
  );
}

describe('fitCalibration and intervalFor', () => {
  const table = fitCalibration(points(30_000, 1), { stepMs: HOUR });
  const test = points(30_000, 2);

  it('gives the nominal coverage within two points on fresh data with known noise, overall and in every stratum', () => {
    expect(Math.abs(coverageOf(table, test).coverage - 0.9)).toBeLessThan(0.02);
    for (const gap of GAP_STRATA) {
      for (const none of [true, false]) {
        const stratum = test.filter((point) => gapStratumOf(point.gapSteps, HOUR) === gap && (point.neighboursObserved === 0) === none);
        expect(stratum.length).toBeGreaterThan(1000);
        expect(Math.abs(coverageOf(table, stratum).coverage - 0.9)).toBeLessThan(0.03);
      }
    }
  });

  it('is narrow where the errors are small and wide where they are large, and follows their skew', () => {
    const short = intervalFor(table, { gapSteps: 1, neighboursObserved: 3 }, 50);
    const long = intervalFor(table, { gapSteps: 40, neighboursObserved: 0 }, 50);
    expect(long.upper - long.lower).toBeGreaterThan(3 * (short.upper - short.lower));
    // Errors are skewed upwards: more room above the prediction than below.
    expect(long.upper - 50).toBeGreaterThan(1.2 * (50 - long.lower));
  });

  it('honours another nominal level', () => {
    const level = fitCalibration(points(30_000, 3), { stepMs: HOUR, level: 0.8 });
    expect(Math.abs(coverageOf(level, test).coverage - 0.8)).toBeLessThan(0.02);
  });

  it('lets a bin with too few values borrow from the coarser one that holds it', () => {
    const few = points(30_000, 4).filter((point) => !(point.gapSteps === 40 && point.neighboursObserved === 0)).concat(
      points(30, 5).map((point) => ({ ...point, gapSteps: 40, neighboursObserved: 0 })),
    );
    const sparse = fitCalibration(few, { stepMs: HOUR, minCount: 150 });
    expect(sparse.bins.some((bin) => bin.gap === '25+' && bin.neighbours === 'none')).toBe(false);
    const borrowed = intervalFor(sparse, { gapSteps: 40, neighboursObserved: 0 }, 50);
    const gapOnly = sparse.bins.find((bin) => bin.gap === '25+' && bin.neighbours === null && bin.band === null)!;
    expect(borrowed.lower).toBeCloseTo(50 + gapOnly.low, 10);
    expect(borrowed.upper).toBeCloseTo(50 + gapOnly.high, 10);
  });

  it('never reaches below the physical floor, and always holds its own prediction', () => {
    const floored = fitCalibration(points(5_000, 6), { stepMs: HOUR, floor: 0 });
    const clean = intervalFor(floored, { gapSteps: 40, neighboursObserved: 0 }, 2);
    expect(clean.lower).toBe(0);
    expect(clean.upper).toBeGreaterThan(2);
    const biased = fitCalibration(
      points(5_000, 7).map((point) => ({ ...point, truth: point.predicted + 50 + Math.abs(point.truth - point.predicted) })),
      { stepMs: HOUR },
    );
    const interval = intervalFor(biased, { gapSteps: 1, neighboursObserved: 1 }, 20);
    expect(interval.lower).toBeLessThanOrEqual(20);
    expect(interval.upper).toBeGreaterThan(70);
  });

  it('round-trips through its JSON schema', () => {
    expect(calibrationTableSchema.parse(JSON.parse(JSON.stringify(table)))).toEqual(table);
  });
});

describe('calibrationKeysOf', () => {
  it('reads the gap in steps and whether another sensor was observed from the feature matrix', () => {
    const contract = makeFeatureContract('PM 2.5', []);
    const row = (gapHours: number, share: number) => contract.columns.map((column) => (column === 'own_gap_h' ? gapHours : column === 'net_observed_share' ? share : 0));
    const matrix: FeatureMatrix = { contract, rows: 3, columns: contract.columns.length, values: Float64Array.from([...row(2, 0.5), ...row(13, 0), ...row(NaN, 0.1)]) };
    expect(calibrationKeysOf(matrix, HOUR)).toEqual([
      { gapSteps: 1, neighboursObserved: 1 },
      { gapSteps: 12, neighboursObserved: 0 },
      { gapSteps: Infinity, neighboursObserved: 1 },
    ]);
    // Ten-minute data: a 2-hour span between observations is an 11-step gap.
    expect(calibrationKeysOf(matrix, HOUR / 6)[0]).toEqual({ gapSteps: 11, neighboursObserved: 1 });
  });
});
