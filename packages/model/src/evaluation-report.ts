import type { EvaluationTable, StratumMetrics } from './evaluate';
import type { Metrics } from './metrics';
import { GAP_STRATA, NEIGHBOUR_STRATA } from './strata';

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

function aligned(rows: string[][]): string {
  const widths = (rows[0] as string[]).map((_, column) => Math.max(...rows.map((row) => (row[column] as string).length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number))).join('  ')).join('\n');
}

/** The stratum rows: one per gap length and per neighbour situation, with the model's gain over interpolation and its intervals. */
export function formatStrataTable(table: EvaluationTable): string {
  const withIntervals = table.intervals !== null;
  const header = ['stratum', 'values', 'model MAE', 'linear MAE', 'gain', ...(withIntervals ? ['coverage', 'width', 'interval score'] : [])];
  const row = (name: string, metrics: StratumMetrics | undefined): string[] | null => {
    if (!metrics) return null;
    const cells = [name, String(metrics.count), metrics.model.mae.toFixed(2), metrics.linear.mae.toFixed(2), percent(1 - metrics.model.mae / metrics.linear.mae)];
    if (withIntervals && metrics.interval) cells.push(metrics.interval.coverage.toFixed(3), metrics.interval.meanWidth.toFixed(1), metrics.interval.intervalScore.toFixed(1));
    return cells;
  };
  const rows = [
    ...GAP_STRATA.map((stratum) => row(`gap ${stratum}`, table.strata.gap[stratum])),
    ...NEIGHBOUR_STRATA.map((stratum) => row(stratum === 'none' ? 'no other sensor at t' : 'other sensors at t', table.strata.neighbours[stratum])),
  ].filter((cells): cells is string[] => cells !== null);
  return aligned([header, ...rows]);
}

/** The table as aligned text: one method per line, then the strata and the intervals. */
export function formatEvaluationTable(table: EvaluationTable): string {
  const methods: [string, Metrics][] = [
    [`model ${table.model.version}`, table.model],
    ['station mean', table.baselines.stationMean],
    ['last observation carried forward', table.baselines.locf],
    ['linear interpolation', table.baselines.linear],
  ];
  const overall = aligned([
    ['method', 'MAE', 'RMSE', 'MRE', 'R²'],
    ...methods.map(([name, m]) => [name, m.mae.toFixed(3), m.rmse.toFixed(3), m.mre.toFixed(4), m.r2.toFixed(4)]),
  ]);
  const masks = table.holdout.masks === 'real' ? "copied from the data's own outages" : 'in synthetic outage shapes';
  const lines = [
    `${table.parameter}: ${table.holdout.count} masked values (${table.holdout.repeats} masks ${masks}), ${table.holdout.from} .. ${table.holdout.to}`,
    overall,
    `model MAE vs linear interpolation: ${percent(1 - table.model.mae / table.baselines.linear.mae)} lower`,
    '',
    `by stratum (gap length in hours of missing readings; "at t": another sensor observed at the value's time)`,
    formatStrataTable(table),
  ];
  if (table.intervals) {
    const { level, overall: interval } = table.intervals;
    lines.push(
      '',
      `${Math.round(level * 100)}% intervals: coverage ${interval.coverage.toFixed(3)}, mean width ${interval.meanWidth.toFixed(2)}, interval score ${interval.intervalScore.toFixed(2)} (on values the calibration never saw)`,
    );
  }
  return lines.join('\n');
}
