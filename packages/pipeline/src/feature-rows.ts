import { buildFeatureMatrix, type FeatureContract, type ObservedSeries, type SensorSite } from '@airfill/features';
import { calibrationKeysOf } from '@airfill/model';
import { InputError } from './errors';
import type { ContextRecord, MissingRecord, TargetRecord } from '@airfill/schema';

/** Feature rows ready for the batch transform, and what the callback needs per row. */
export interface FeatureRows {
  /** Headerless CSV lines, one per target, the row id first; empty cells are unknown (NaN). */
  lines: string[];
  /** One per line of `csv`, same order. */
  targets: TargetRecord[];
  /** Targets left out because their final value could not be computed (unknown baseline). */
  skipped: MissingRecord[];
  /** Feature columns per line (the matrix itself is let go once laid out: a chunk's rows are tens of MB). */
  columns: number;
}

/** Empty for NaN: SageMaker's XGBoost container reads an empty CSV cell as NaN (its encoder turns "" into "nan"), xgboost's missing value. */
function cell(value: number): string {
  return Number.isNaN(value) ? '' : String(value);
}

/**
 * Builds the feature matrix of the missing readings with `@airfill/features`
 * (the same code path as training) and lays it out for SageMaker: the row id
 * first, then the contract's columns. For residual targets the baseline is
 * kept per row; a row whose baseline is unknown can never become a value, so
 * it is left out (and stays missing for a later run) instead of failing the run.
 * Each row also keeps its interval calibration key (gap length in steps of
 * `stepMs`, other sensors observed), so the callback can put the model's
 * calibrated interval around the value SageMaker returns.
 */
export function buildFeatureRows(missing: readonly MissingRecord[], context: readonly ContextRecord[], contract: FeatureContract, stepMs: number): FeatureRows {
  const sites: SensorSite[] = [];
  const series: ObservedSeries[] = [];
  for (const record of context) {
    if (record.kind === 'site') sites.push({ deviceId: record.deviceId, latitude: record.latitude, longitude: record.longitude });
    else series.push(record);
  }
  const matrix = buildFeatureMatrix(
    { sites, series },
    missing.map((record) => ({ deviceId: record.deviceId, ts: Date.parse(record.ts) })),
    contract,
  );
  const baselineColumn = contract.target.kind === 'residual' ? contract.columns.indexOf(contract.target.baselineColumn) : -1;
  if (contract.target.kind === 'residual' && baselineColumn < 0) {
    throw new InputError(`the contract's baseline column ${contract.target.baselineColumn} is not one of its columns`, { version: contract.version });
  }
  const keys = calibrationKeysOf(matrix, stepMs);
  const lines: string[] = [];
  const targets: TargetRecord[] = [];
  const skipped: MissingRecord[] = [];
  for (const [row, record] of missing.entries()) {
    const offset = row * matrix.columns;
    const baseline = baselineColumn >= 0 ? (matrix.values[offset + baselineColumn] as number) : null;
    if (baseline !== null && !Number.isFinite(baseline)) {
      skipped.push(record);
      continue;
    }
    const cells = [String(record.id)];
    for (let column = 0; column < matrix.columns; column += 1) cells.push(cell(matrix.values[offset + column] as number));
    lines.push(cells.join(','));
    const key = keys[row];
    targets.push({
      ...record,
      baseline,
      gapSteps: key && Number.isFinite(key.gapSteps) ? key.gapSteps : null,
      neighboursObserved: key?.neighboursObserved ?? 0,
    });
  }
  return { lines, targets, skipped, columns: matrix.columns };
}
