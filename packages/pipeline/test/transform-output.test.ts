import type { TargetRecord } from '@airfill/schema';
import { checkTransformOutput, plausibleRangeFor } from '../src';

const targets: TargetRecord[] = [0, 1, 2].map((id) => ({
  id,
  deviceId: `d${id}`,
  parameter: 'PM 2.5',
  ts: `2024-03-01T0${id}:00:00.000Z`,
  baseline: 10 * (id + 1),
  gapSteps: id === 2 ? null : id + 1,
  neighboursObserved: id,
}));
const residual = { modelVersion: 'm1', contract: { target: { kind: 'residual' as const, baselineColumn: 'baseline' } } };
const raw = { modelVersion: 'm1', contract: { target: { kind: 'raw' as const } } };
const range = plausibleRangeFor('PM 2.5');

describe('checkTransformOutput', () => {
  it('adds the baseline back to residual outputs and joins by id, whatever the line order', () => {
    const check = checkTransformOutput(['2,0.5\n0,-1.5\n', '1,2\n'], targets, residual, range);
    expect(check).toEqual({
      ok: true,
      clamped: 0,
      live: { points: [], refused: 0, nominalCoverage: null },
      refused: [],
      predictions: [
        { deviceId: 'd0', parameter: 'PM 2.5', ts: '2024-03-01T00:00:00.000Z', value: 8.5, lower: null, upper: null, modelVersion: 'm1' },
        { deviceId: 'd1', parameter: 'PM 2.5', ts: '2024-03-01T01:00:00.000Z', value: 22, lower: null, upper: null, modelVersion: 'm1' },
        { deviceId: 'd2', parameter: 'PM 2.5', ts: '2024-03-01T02:00:00.000Z', value: 30.5, lower: null, upper: null, modelVersion: 'm1' },
      ],
    });
  });

  it('keeps the live check\'s hidden values apart: scored with their truth and linear value, never among the predictions, refused ones counted', () => {
    const probed: TargetRecord[] = [
      targets[0]!,
      { ...targets[1]!, probe: { truth: 25, linear: 18 } },
      { ...targets[2]!, probe: { truth: 31, linear: 29 } },
    ];
    const check = checkTransformOutput(['0,1\n1,2\n2,1e9\n'], probed, residual, range);
    expect(check.ok && check.predictions.map((row) => [row.deviceId, row.value])).toEqual([['d0', 11]]);
    expect(check.ok && check.refused).toEqual([]);
    expect(check.ok && check.live).toEqual({
      points: [{ ts: '2024-03-01T01:00:00.000Z', value: 22, lower: null, upper: null, truth: 25, linear: 18 }],
      refused: 1,
      nominalCoverage: null,
    });
  });

  it('takes raw outputs as they are for a raw target', () => {
    const check = checkTransformOutput(['0,5\r\n1,6\r\n2,7\r\n'], targets, raw, range);
    expect(check.ok && check.predictions.map((row) => row.value)).toEqual([5, 6, 7]);
  });

  it('fails when an id is missing, naming the reading by device and time', () => {
    const check = checkTransformOutput(['0,1\n2,1\n'], targets, residual, range);
    expect(check).toMatchObject({ ok: false, problems: { 'missing ids': 1 } });
    expect(!check.ok && check.reason).toBe('1 missing ids (e.g. d1 PM 2.5 at 2024-03-01T01:00:00.000Z)');
  });

  it('fails when an id comes back twice', () => {
    const check = checkTransformOutput(['0,1\n1,1\n2,1\n1,3\n'], targets, residual, range);
    expect(check).toMatchObject({ ok: false, problems: { 'duplicate ids': 1 } });
  });

  it('fails on an id that was never sent, and on lines that are not "id,value"', () => {
    const check = checkTransformOutput(['0,1\n1,1\n2,1\n7,1\nx,1\n3\n'], targets, residual, range);
    expect(check).toMatchObject({ ok: false, problems: { 'unknown ids': 2, 'malformed lines': 1 } });
  });

  it('fails on an empty output for a non-empty input', () => {
    expect(checkTransformOutput([], targets, residual, range)).toMatchObject({ ok: false, problems: { 'missing ids': 3 } });
  });

  it('accepts an empty output for an empty input', () => {
    expect(checkTransformOutput([''], [], residual, range)).toEqual({ ok: true, predictions: [], refused: [], clamped: 0, live: { points: [], refused: 0, nominalCoverage: null } });
  });

  it('refuses NaN, infinite and empty values one by one, by reading, and keeps the others', () => {
    const check = checkTransformOutput(['0,NaN\n1,Infinity\n2,\n'], targets, residual, range);
    expect(check).toMatchObject({ ok: true, predictions: [] });
    expect(check.ok && check.refused.map((row) => [row.deviceId, row.ts, row.value, row.reason])).toEqual([
      ['d0', '2024-03-01T00:00:00.000Z', null, 'the model gave no finite number'],
      ['d1', '2024-03-01T01:00:00.000Z', null, 'the model gave no finite number'],
      ['d2', '2024-03-01T02:00:00.000Z', null, 'the model gave no finite number'],
    ]);
  });

  it('refuses values outside the plausible range one by one; the plausible ones stay', () => {
    const check = checkTransformOutput(['0,-200\n1,1\n2,5000\n'], targets, residual, range);
    expect(check.ok && check.predictions.map((row) => [row.deviceId, row.value])).toEqual([['d1', 21]]);
    expect(check.ok && check.refused.map((row) => [row.deviceId, row.value, row.reason])).toEqual([
      ['d0', -190, '-190 is outside the plausible range of PM 2.5, 0 to 2000 (give or take 25)'],
      ['d2', 5030, '5030 is outside the plausible range of PM 2.5, 0 to 2000 (give or take 25)'],
    ]);
  });

  it('keeps both ends of the range, stores values within the tolerance past a bound as the bound, and only those', () => {
    // Raw targets: the outputs are the values. -25 and 2025 are in, stored as 0 and 2000; 0 is already at the floor.
    const edges = checkTransformOutput(['0,-25\n1,0\n2,2025\n'], targets, raw, range);
    expect(edges).toMatchObject({ ok: true, refused: [], clamped: 2 });
    expect(edges.ok && edges.predictions.map((row) => row.value)).toEqual([0, 0, 2000]);
    const small = checkTransformOutput(['0,-0.001\n1,0.001\n2,1999.999\n'], targets, raw, range);
    expect(small).toMatchObject({ ok: true, refused: [], clamped: 1 });
    expect(small.ok && small.predictions.map((row) => row.value)).toEqual([0, 0.001, 1999.999]);
    const beyond = checkTransformOutput(['0,-25.001\n1,1\n2,2025.001\n'], targets, raw, range);
    expect(beyond.ok && beyond.refused.map((row) => row.deviceId)).toEqual(['d0', 'd2']);
  });

  it("checks each parameter against its own physical range: temperature may be negative, a configured range replaces the default", () => {
    const temperature = targets.map((target) => ({ ...target, parameter: 'Temperature' }));
    const check = checkTransformOutput(['0,-35\n1,71\n2,-95\n'], temperature, raw, plausibleRangeFor('Temperature'));
    expect(check.ok && check.predictions.map((row) => [row.deviceId, row.value])).toEqual([
      ['d0', -35],
      ['d1', 70],
    ]);
    expect(check.ok && check.refused.map((row) => row.reason)).toEqual(['-95 is outside the plausible range of Temperature, -90 to 70 (give or take 2)']);
    // The loader's range file format: names matched as the loader matches them.
    const no2 = plausibleRangeFor('NO2', { ranges: { no2: { min: 0, max: 400 } } });
    expect(no2).toEqual({ min: -5, max: 405, floor: 0, ceiling: 400 });
    expect(plausibleRangeFor('NO2')).toEqual({ min: -62.5, max: 5062.5, floor: 0, ceiling: 5000 });
    expect(plausibleRangeFor('wind speed')).toEqual({ min: -1e6, max: 1e6 });
  });

  it("stores a prediction past a bound as the bound when it is within the model's widest calibrated error, and refuses it beyond", () => {
    // Beijing, March 2016: a faulty 270 µg/m³ before an outage on clean air; the model undershot to -46 where its worst stratum under-predicts by up to 127.
    const calibration = {
      version: 'airfill-calibration-1',
      level: 0.9,
      stepMs: 3_600_000,
      bandEdges: [20],
      minCount: 150,
      floor: 0,
      count: 400,
      bins: [
        { gap: null, neighbours: null, band: null, count: 400, low: -20, high: 20 },
        { gap: '25+', neighbours: null, band: null, count: 200, low: -40, high: 60 },
      ],
    };
    const check = checkTransformOutput(['0,-46\n1,-61\n2,2040.5\n'], targets, { ...raw, calibration }, range);
    if (!check.ok) throw new Error(check.reason);
    // -46 is within 60 (the long gaps' widest under-prediction) of the floor: stored as 0, with the interval of a prediction at 0 in its own stratum (a 1-step gap: the table's overall bin).
    expect(check.predictions.map((row) => [row.deviceId, row.value, row.lower, row.upper])).toEqual([['d0', 0, 0, 20]]);
    expect(check.clamped).toBe(1);
    expect(check.refused.map((row) => [row.deviceId, row.value, row.reason])).toEqual([
      ['d1', -61, '-61 is outside the plausible range of PM 2.5, 0 to 2000 (less 60, plus 40)'],
      ['d2', 2040.5, '2040.5 is outside the plausible range of PM 2.5, 0 to 2000 (less 60, plus 40)'],
    ]);
    // Without a calibration only the range's fixed tolerance holds.
    const uncalibrated = checkTransformOutput(['0,-46\n'], targets.slice(0, 1), raw, range);
    expect(uncalibrated.ok && uncalibrated.refused.map((row) => row.value)).toEqual([-46]);
  });

  it('keeps intervals inside the physical bounds', () => {
    const calibration = {
      version: 'airfill-calibration-1',
      level: 0.9,
      stepMs: 3_600_000,
      bandEdges: [],
      minCount: 150,
      floor: 0,
      count: 200,
      bins: [{ gap: null, neighbours: null, band: null, count: 200, low: -50, high: 50 }],
    };
    const check = checkTransformOutput(['0,5\n1,1990\n2,100\n'], targets, { ...raw, calibration }, range);
    if (!check.ok) throw new Error(check.reason);
    for (const row of check.predictions) {
      expect(row.lower).toBeGreaterThanOrEqual(0);
      expect(row.upper).toBeLessThanOrEqual(2000);
    }
    expect(check.predictions).toHaveLength(3);
  });
});
