import { buildFeatureMatrixFromContext, prepareFeatureContext, toPrediction, type SensorSite } from '@airfill/features';
import type { LoadedModel } from './artifact';
import { baselinePredictions } from './baselines';
import type { Holdout } from './holdout';
import { computeMetrics, type Metrics } from './metrics';

/** Final predictions of a model for a holdout's targets. */
export function predictHoldout(predict: LoadedModel['predict'], contract: LoadedModel['contract'], sites: SensorSite[], holdout: Holdout): Float64Array {
  const context = prepareFeatureContext({ sites, observations: holdout.context }, contract.parameter);
  const matrix = buildFeatureMatrixFromContext(context, holdout.targets, contract);
  const raw = predict(matrix);
  const out = new Float64Array(matrix.rows);
  for (let row = 0; row < matrix.rows; row += 1) out[row] = toPrediction(matrix, row, raw[row] as number);
  return out;
}

/** The metrics table: a model against the three baselines on one holdout. */
export interface EvaluationTable {
  parameter: string;
  holdout: { from: string; to: string; count: number; fraction: number; share: number; seed: number };
  model: Metrics & { version: string };
  baselines: { stationMean: Metrics; locf: Metrics; linear: Metrics };
}

/** Scores a model and the baselines on the same masked holdout. */
export function evaluateOnHoldout(model: Pick<LoadedModel, 'predict' | 'contract' | 'version'>, sites: SensorSite[], holdout: Holdout): EvaluationTable {
  const predicted = predictHoldout(model.predict, model.contract, sites, holdout);
  const baselines = baselinePredictions(holdout.context, holdout.parameter, holdout.targets);
  return {
    parameter: holdout.parameter,
    holdout: {
      from: new Date(holdout.from).toISOString(),
      to: new Date(holdout.to).toISOString(),
      count: holdout.targets.length,
      ...holdout.options,
    },
    model: { version: model.version, ...computeMetrics(holdout.truth, predicted) },
    baselines: {
      stationMean: computeMetrics(holdout.truth, baselines.stationMean),
      locf: computeMetrics(holdout.truth, baselines.locf),
      linear: computeMetrics(holdout.truth, baselines.linear),
    },
  };
}

/** The table as aligned text, one method per line. */
export function formatEvaluationTable(table: EvaluationTable): string {
  const rows: [string, Metrics][] = [
    [`model ${table.model.version}`, table.model],
    ['station mean', table.baselines.stationMean],
    ['last observation carried forward', table.baselines.locf],
    ['linear interpolation', table.baselines.linear],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const header = `${'method'.padEnd(width)}  ${'MAE'.padStart(8)}  ${'RMSE'.padStart(8)}  ${'MRE'.padStart(7)}  ${'R²'.padStart(7)}`;
  const lines = rows.map(
    ([name, m]) =>
      `${name.padEnd(width)}  ${m.mae.toFixed(3).padStart(8)}  ${m.rmse.toFixed(3).padStart(8)}  ${m.mre.toFixed(4).padStart(7)}  ${m.r2.toFixed(4).padStart(7)}`,
  );
  const gain = 1 - table.model.mae / table.baselines.linear.mae;
  return [
    `${table.parameter}: ${table.holdout.count} masked values held out, ${table.holdout.from} .. ${table.holdout.to}`,
    header,
    ...lines,
    `model MAE vs linear interpolation: ${(gain * 100).toFixed(1)}% lower`,
  ].join('\n');
}
