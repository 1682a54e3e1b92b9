import { baselinePredictions } from '../src/baselines';

const HOUR = 3_600_000;
const obs = (deviceId: string, hour: number, value: number | null) => ({ deviceId, parameter: 'PM 2.5', ts: hour * HOUR, value });

describe('baselinePredictions', () => {
  const observations = [obs('a', 0, 10), obs('a', 1, null), obs('a', 3, 40), obs('b', 0, 5), obs('b', 1, null), obs('a', 5, null)];

  it('gives station mean, last observation carried forward and linear interpolation in time', () => {
    const result = baselinePredictions(observations, 'PM 2.5', [{ deviceId: 'a', ts: HOUR }]);
    expect(result.stationMean[0]).toBeCloseTo(25, 12);
    expect(result.locf[0]).toBe(10);
    expect(result.linear[0]).toBeCloseTo(20, 12);
  });

  it('falls back: no next value -> carried forward; no value at all -> the overall mean', () => {
    const result = baselinePredictions(observations, 'PM 2.5', [
      { deviceId: 'b', ts: HOUR },
      { deviceId: 'nobody', ts: HOUR },
    ]);
    expect(result.linear[0]).toBe(5);
    expect(result.locf[1]).toBeCloseTo(55 / 3, 12);
    expect(result.linear[1]).toBeCloseTo(55 / 3, 12);
  });
});
