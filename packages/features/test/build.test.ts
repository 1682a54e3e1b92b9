import {
  buildFeatureMatrix,
  groupObservations,
  indexObservations,
  indexSeries,
  FeatureContractError,
  makeFeatureContract,
  toPrediction,
  type Observation,
  type SensorSite,
} from '../src';
import { cell, lineSites, PM, T0 } from './helpers/line';

const HOUR = 3_600_000;
const sites = lineSites;

function hourly(deviceId: string, parameter: string, values: (number | null)[]): Observation[] {
  return values.map((value, hour) => ({ deviceId, parameter, ts: T0 + hour * HOUR, value }));
}


describe('buildFeatureMatrix', () => {
  const contract = makeFeatureContract(PM, [PM, 'PM 10']);

  it("gives the sensor's own last/next values, gaps and linear interpolation across its gap", () => {
    const observations = hourly('a', PM, [10, null, null, 40, 50]);
    const matrix = buildFeatureMatrix({ sites, observations }, [{ deviceId: 'a', ts: T0 + HOUR }], contract);
    expect(cell(matrix, 0, 'own_prev_value')).toBe(10);
    expect(cell(matrix, 0, 'own_prev_gap_h')).toBe(1);
    expect(cell(matrix, 0, 'own_next_value')).toBe(40);
    expect(cell(matrix, 0, 'own_next_gap_h')).toBe(2);
    expect(cell(matrix, 0, 'own_gap_h')).toBe(3);
    expect(cell(matrix, 0, 'own_interp')).toBeCloseTo(20, 10);
    expect(cell(matrix, 0, 'own_mean_after_6h')).toBeCloseTo(45, 10);
    // No neighbours observed: the baseline is the plain interpolation.
    expect(cell(matrix, 0, 'baseline')).toBeCloseTo(20, 10);
    expect(Number.isNaN(cell(matrix, 0, 'nb_idw_value'))).toBe(true);
  });

  it("corrects the interpolation by the change neighbours saw across the same gap", () => {
    // b and c are flat at 100 except a bump of +30 (b) and +60 (c) at hour 1.
    const observations = [
      ...hourly('a', PM, [10, null, 10]),
      ...hourly('b', PM, [100, 130, 100]),
      ...hourly('c', PM, [100, 160, 100]),
    ];
    const matrix = buildFeatureMatrix({ sites, observations }, [{ deviceId: 'a', ts: T0 + HOUR }], contract);
    // IDW weights 1/d²: b is twice as close as c, so weight 4:1.
    const expectedChange = (4 * 30 + 1 * 60) / 5;
    expect(cell(matrix, 0, 'nb_change_idw')).toBeCloseTo(expectedChange, 1);
    expect(cell(matrix, 0, 'nb_change_since_prev')).toBeCloseTo(expectedChange, 1);
    expect(cell(matrix, 0, 'nb_change_to_next')).toBeCloseTo(-expectedChange, 1);
    expect(cell(matrix, 0, 'baseline')).toBeCloseTo(10 + expectedChange, 1);
    expect(cell(matrix, 0, 'nb_count')).toBe(2);
    expect(cell(matrix, 0, 'nb_nearest_value')).toBe(130);
    expect(cell(matrix, 0, 'nb_nearest_km')).toBeCloseTo(1.11, 2);
    expect(cell(matrix, 0, 'nb_idw_value')).toBeCloseTo((4 * 130 + 160) / 5, 1);
  });

  it('gives no cross-station ratio for a parameter that crosses zero, never an infinity', () => {
    // Neighbours at -1 °C: the +1 smoothing that keeps clean air from dividing by zero would divide by zero here.
    const T = 'Temperature';
    const cold = makeFeatureContract(T, [T]);
    const observations = [...hourly('a', T, [-2, null, -3]), ...hourly('b', T, [-1, -2, -3]), ...hourly('c', T, [-1, -2, -3])];
    const matrix = buildFeatureMatrix({ sites, observations }, [{ deviceId: 'a', ts: T0 + HOUR }], cold);
    expect(Array.from(matrix.values).filter((value) => value === Infinity || value === -Infinity)).toEqual([]);
    expect(Number.isNaN(cell(matrix, 0, 'nb_ratio_estimate'))).toBe(true);
    // The other neighbour features are there as for any parameter.
    expect(cell(matrix, 0, 'nb_idw_value')).toBeCloseTo(-2, 10);
    // Positive amounts keep their ratio.
    const warm = buildFeatureMatrix({ sites, observations: [...hourly('a', T, [10, null, 12]), ...hourly('b', T, [20, 21, 24]), ...hourly('c', T, [20, 21, 24])] }, [{ deviceId: 'a', ts: T0 + HOUR }], cold);
    expect(Number.isFinite(cell(warm, 0, 'nb_ratio_estimate'))).toBe(true);
  });

  it('never uses an observation at the target time itself as last or next value', () => {
    const observations = hourly('a', PM, [10, 99, 30]);
    const matrix = buildFeatureMatrix({ sites, observations }, [{ deviceId: 'a', ts: T0 + HOUR }], contract);
    expect(cell(matrix, 0, 'own_prev_value')).toBe(10);
    expect(cell(matrix, 0, 'own_next_value')).toBe(30);
  });

  it('gives the other parameters of the same sensor at that time and their change across the gap, NaN where missing', () => {
    const observations = [...hourly('a', PM, [10, null, null]), ...hourly('a', 'PM 10', [20, 25, null])];
    const matrix = buildFeatureMatrix(
      { sites, observations },
      [
        { deviceId: 'a', ts: T0 + HOUR },
        { deviceId: 'a', ts: T0 + 2 * HOUR },
      ],
      contract,
    );
    expect(cell(matrix, 0, 'other[PM 10]')).toBe(25);
    expect(Number.isNaN(cell(matrix, 1, 'other[PM 10]'))).toBe(true);
    // Only a last PM 2.5 value (hour 0): PM 10 moved from 20 then to 25 at t.
    expect(cell(matrix, 0, 'other_change[PM 10]')).toBe(5);
  });

  it("falls back to the neighbours for a sensor with no observations, then to the sensors' mean level around t", () => {
    const lonely: SensorSite[] = [...sites, { deviceId: 'far', latitude: 50, longitude: 50 }];
    const observations = [...hourly('a', PM, [null, null, null]), ...hourly('b', PM, [40, 40, 40]), ...hourly('c', PM, [10, 10, null])];
    const matrix = buildFeatureMatrix(
      { sites: lonely, observations },
      [
        { deviceId: 'a', ts: T0 + HOUR },
        { deviceId: 'nobody', ts: T0 + HOUR },
      ],
      contract,
    );
    expect(cell(matrix, 0, 'baseline')).toBeCloseTo((4 * 40 + 10) / 5, 6);
    // An unknown sensor has no neighbours: the mean of the sensors' levels around t (b at 40, c at 10).
    expect(cell(matrix, 1, 'baseline')).toBeCloseTo((40 + 10) / 2, 6);
  });

  it('puts columns in the order the contract lists them', () => {
    const reversed = { ...contract, columns: [...contract.columns].reverse() };
    const observations = [...hourly('a', PM, [10, null, 30]), ...hourly('b', PM, [1, 2, 3])];
    const targets = [{ deviceId: 'a', ts: T0 + HOUR }];
    const forward = buildFeatureMatrix({ sites, observations }, targets, contract);
    const backward = buildFeatureMatrix({ sites, observations }, targets, reversed);
    expect(Array.from(backward.values)).toEqual(Array.from(forward.values).reverse());
  });

  it('refuses a contract of another feature version or with unknown columns', () => {
    const input = { sites, observations: [] };
    expect(() => buildFeatureMatrix(input, [], { ...contract, version: 'other-1' })).toThrow(FeatureContractError);
    expect(() => buildFeatureMatrix(input, [], { ...contract, columns: ['hour_sin', 'made_up'] })).toThrow(/unknown feature column made_up/);
  });

  it('computes time of day in local solar time from the longitude', () => {
    const east: SensorSite[] = [{ deviceId: 'e', latitude: 0, longitude: 90 }];
    // 00:00 UTC at 90°E is 06:00 solar time: hour angle 90°.
    const matrix = buildFeatureMatrix({ sites: east, observations: [] }, [{ deviceId: 'e', ts: T0 }], contract);
    expect(cell(matrix, 0, 'hour_sin')).toBeCloseTo(1, 10);
    expect(cell(matrix, 0, 'hour_cos')).toBeCloseTo(0, 10);
  });
});

describe('toPrediction', () => {
  it('adds the baseline back to a residual output, and passes a raw output through', () => {
    const contract = makeFeatureContract(PM, []);
    const matrix = buildFeatureMatrix({ sites, observations: hourly('a', PM, [10, null, 30]) }, [{ deviceId: 'a', ts: T0 + HOUR }], contract);
    expect(toPrediction(matrix, 0, 2.5)).toBeCloseTo(22.5, 10);
    expect(toPrediction({ ...matrix, contract: { ...contract, target: { kind: 'raw' } } }, 0, 2.5)).toBe(2.5);
  });
});

describe('series input', () => {
  const contract = makeFeatureContract(PM, [PM, 'PM 10']);

  it('gives the same matrix from grouped series as from one record per reading', () => {
    const observations = [
      ...hourly('a', PM, [10, null, null, 40, 50, 45]),
      ...hourly('a', 'PM 10', [20, 30, null, 70, 80, 75]),
      ...hourly('b', PM, [100, 130, 100, 90, null, 95]),
      ...hourly('c', PM, [100, 160, 100, 120, 110, null]),
    ];
    const targets = [1, 2, 4].map((hour) => ({ deviceId: hour === 4 ? 'b' : 'a', ts: T0 + hour * HOUR }));
    const fromReadings = buildFeatureMatrix({ sites, observations }, targets, contract);
    // Shuffled within a series and split in two records: order and grouping do not matter.
    const series = groupObservations(observations).flatMap((entry) => {
      const half = Math.floor(entry.ts.length / 2);
      return [
        { ...entry, ts: entry.ts.slice(half).reverse(), values: entry.values.slice(half).reverse() },
        { ...entry, ts: entry.ts.slice(0, half), values: entry.values.slice(0, half) },
      ];
    });
    const fromSeries = buildFeatureMatrix({ sites, series }, targets, contract);
    expect(Array.from(fromSeries.values)).toEqual(Array.from(fromReadings.values));
  });

  it('indexes sorted series straight into typed arrays exactly as the general path does, in the same order', () => {
    const list = [
      { deviceId: 'b', parameter: PM, ts: [T0, T0 + HOUR, T0 + 3 * HOUR], values: [4, 5.5, 6] },
      { deviceId: 'a', parameter: 'PM 10', ts: [T0 + HOUR, T0, T0 + 2 * HOUR], values: [2, 1, 3] },
      { deviceId: 'a', parameter: PM, ts: [T0, T0 + 2 * HOUR], values: [7, 8] },
    ];
    const direct = indexSeries(list);
    const general = indexObservations(list.flatMap((entry) => entry.ts.map((ts, at) => ({ deviceId: entry.deviceId, parameter: entry.parameter, ts, value: entry.values[at]! }))));
    const flat = (index: ReturnType<typeof indexSeries>) =>
      [...index].flatMap(([deviceId, byParameter]) => [...byParameter].map(([parameter, one]) => ({ deviceId, parameter, ts: [...one.ts], values: [...one.values], prefix: [...one.prefix], stepMs: one.stepMs })));
    expect(flat(direct)).toEqual(flat(general));
    expect(flat(direct).map((one) => `${one.deviceId} ${one.parameter}`)).toEqual(['b PM 2.5', 'a PM 10', 'a PM 2.5']);
  });

  it('leaves non-finite values out as missing and refuses a series whose times and values do not pair up', () => {
    const index = indexSeries([{ deviceId: 'a', parameter: PM, ts: [T0, T0 + HOUR, T0 + 2 * HOUR], values: [1, Number.NaN, 3] }]);
    expect(Array.from(index.get('a')!.get(PM)!.values)).toEqual([1, 3]);
    expect(() => indexSeries([{ deviceId: 'a', parameter: PM, ts: [T0], values: [1, 2] }])).toThrow(FeatureContractError);
  });
});
