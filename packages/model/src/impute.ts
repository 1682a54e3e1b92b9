import { buildFeatureMatrixFromContext, prepareFeatureContext, toPrediction, type FeatureTarget } from '@airfill/features';
import type { LoadedModel } from './artifact';
import { calibrationKeysOf, intervalFor, type CalibrationKey } from './calibration';
import type { Dataset } from './dataset';
import { DataError } from './errors';

/** One filled value, with its calibrated interval (null when the model has no calibration). */
export interface ImputedValue {
  deviceId: string;
  parameter: string;
  ts: number;
  value: number;
  lower: number | null;
  upper: number | null;
  modelVersion: string;
}

/**
 * Predicts every missing value of the model's parameter in a dataset, in
 * memory. Each gets a finite value: the features' baseline falls back from the
 * sensor's own interpolation to its neighbours, its own mean and finally the
 * parameter's mean, so only a file without a single observed value of the
 * parameter is refused.
 */
export function imputeMissing(dataset: Dataset, model: Pick<LoadedModel, 'predict' | 'contract' | 'version' | 'calibration'>): ImputedValue[] {
  const parameter = model.contract.parameter;
  const targets: FeatureTarget[] = dataset.observations
    .filter((observation) => observation.parameter === parameter && observation.value === null)
    .map((observation) => ({ deviceId: observation.deviceId, ts: observation.ts }));
  if (targets.length === 0) return [];
  const context = prepareFeatureContext({ sites: dataset.sites, observations: dataset.observations }, parameter);
  const matrix = buildFeatureMatrixFromContext(context, targets, model.contract);
  const raw = model.predict(matrix);
  const keys = model.calibration ? calibrationKeysOf(matrix, model.calibration.stepMs) : null;
  return targets.map((target, row) => {
    const predicted = toPrediction(matrix, row, raw[row] as number);
    if (!Number.isFinite(predicted)) {
      throw new DataError(`cannot predict ${parameter}: the data has no observed value of it to start from`, { parameter, deviceId: target.deviceId });
    }
    // A concentration is never negative: the model's floor holds for the value as for its interval (as in the cloud path).
    const floor = model.calibration?.floor ?? null;
    const value = floor === null ? predicted : Math.max(floor, predicted);
    const interval = model.calibration && keys ? intervalFor(model.calibration, keys[row] as CalibrationKey, value) : null;
    return { deviceId: target.deviceId, parameter, ts: target.ts, value, lower: interval?.lower ?? null, upper: interval?.upper ?? null, modelVersion: model.version };
  });
}
