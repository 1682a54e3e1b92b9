import type { FeatureMatrix } from './contract';
import { FeatureContractError } from './errors';

/**
 * The final prediction for row `row` from the model's raw output: for a
 * residual target the baseline column is added back. NaN when the baseline is
 * unknown (only when the context has no observation of the parameter at all).
 */
export function toPrediction(matrix: FeatureMatrix, row: number, modelOutput: number): number {
  const { target, columns } = matrix.contract;
  if (target.kind === 'raw') return modelOutput;
  const column = columns.indexOf(target.baselineColumn);
  if (column < 0) throw new FeatureContractError(`baseline column ${target.baselineColumn} is not in the contract`, { column: target.baselineColumn });
  return modelOutput + (matrix.values[row * matrix.columns + column] as number);
}
