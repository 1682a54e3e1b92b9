import type { TargetRecord } from '@airfill/schema';
import { checkTransformOutput, plausibleRangeFor } from '../src';

const targets: TargetRecord[] = [0, 1, 2].map((id) => ({
  id,
  deviceId: `d${id}`,
  parameter: 'PM 2.5',
  ts: `2024-03-01T0${id}:00:00.000Z`,
  baseline: 10 * (id + 1),
}));
const residual = { modelVersion: 'm1', contract: { target: { kind: 'residual' as const, baselineColumn: 'baseline' } } };
const raw = { modelVersion: 'm1', contract: { target: { kind: 'raw' as const } } };
const range = plausibleRangeFor('PM 2.5');

describe('checkTransformOutput', () => {
  it('adds the baseline back to residual outputs and joins by id, whatever the line order', () => {
    const check = checkTransformOutput(['2,0.5\n0,-1.5\n', '1,2\n'], targets, residual, range);
    expect(check).toEqual({
      ok: true,
      floored: 0,
      predictions: [
        { deviceId: 'd0', parameter: 'PM 2.5', ts: '2024-03-01T00:00:00.000Z', value: 8.5, modelVersion: 'm1' },
        { deviceId: 'd1', parameter: 'PM 2.5', ts: '2024-03-01T01:00:00.000Z', value: 22, modelVersion: 'm1' },
        { deviceId: 'd2', parameter: 'PM 2.5', ts: '2024-03-01T02:00:00.000Z', value: 30.5, modelVersion: 'm1' },
      ],
    });
  });

  it('takes raw outputs as they are for a raw target', () => {
    const check = checkTransformOutput(['0,5\r\n1,6\r\n2,7\r\n'], targets, raw, range);
    expect(check.ok && check.predictions.map((row) => row.value)).toEqual([5, 6, 7]);
  });

  it('fails when an id is missing', () => {
    const check = checkTransformOutput(['0,1\n2,1\n'], targets, residual, range);
    expect(check).toMatchObject({ ok: false, problems: { 'missing ids': 1 } });
    expect(!check.ok && check.reason).toMatch(/1 missing ids \(e\.g\. 1\)/);
  });

  it('fails when an id comes back twice', () => {
    const check = checkTransformOutput(['0,1\n1,1\n2,1\n1,3\n'], targets, residual, range);
    expect(check).toMatchObject({ ok: false, problems: { 'duplicate ids': 1 } });
  });

  it('fails on NaN, infinite and empty values', () => {
    const check = checkTransformOutput(['0,NaN\n1,Infinity\n2,\n'], targets, residual, range);
    expect(check).toMatchObject({ ok: false, problems: { 'values that are not finite numbers': 3 } });
  });

  it('fails on an id that was never sent, and on lines that are not "id,value"', () => {
    const check = checkTransformOutput(['0,1\n1,1\n2,1\n7,1\nx,1\n3\n'], targets, residual, range);
    expect(check).toMatchObject({ ok: false, problems: { 'unknown ids': 2, 'malformed lines': 1 } });
  });

  it('fails on an empty output for a non-empty input', () => {
    expect(checkTransformOutput([], targets, residual, range)).toMatchObject({ ok: false, problems: { 'missing ids': 3 } });
  });

  it('accepts an empty output for an empty input', () => {
    expect(checkTransformOutput([''], [], residual, range)).toEqual({ ok: true, predictions: [], floored: 0 });
  });

  it('fails on values outside the plausible range and stores small undershoots as the floor', () => {
    const far = checkTransformOutput(['0,-200\n1,1\n2,5000\n'], targets, residual, range);
    expect(far).toMatchObject({ ok: false, problems: { 'values outside [-25, 2000]': 2 } });
    const near = checkTransformOutput(['0,-12\n1,1\n2,1\n'], targets, residual, range);
    expect(near).toMatchObject({ ok: true, floored: 1 });
    expect(near.ok && near.predictions[0]?.value).toBe(0);
  });
});
