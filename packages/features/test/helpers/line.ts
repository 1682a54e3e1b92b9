import type { FeatureMatrix, SensorSite } from '../../src';

export const T0 = Date.UTC(2024, 0, 1);
export const PM = 'PM 2.5';

/** Three sensors on a line: a at 0 km, b ~1.1 km east, c ~2.2 km east (longitude 0.01° ≈ 1.1 km at the equator). */
export const lineSites: SensorSite[] = [
  { deviceId: 'a', latitude: 0, longitude: 0 },
  { deviceId: 'b', latitude: 0, longitude: 0.01 },
  { deviceId: 'c', latitude: 0, longitude: 0.02 },
];

/** The value of a named column in one row of a matrix. */
export function cell(matrix: FeatureMatrix, row: number, column: string): number {
  const at = matrix.contract.columns.indexOf(column);
  if (at < 0) throw new Error(`no column ${column}`);
  return matrix.values[row * matrix.columns + at] as number;
}
