import type { RunReport } from './report';

const n = (value: number) => value.toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const fixed = (value: number) => value.toFixed(2);

/** Where the model came from, in words. */
export const MODEL_SOURCES: Record<RunReport['model']['source'], string> = {
  default: 'the committed default model',
  registry: 'current in the model registry',
  directory: 'from AIRFILL_MODEL_DIR',
};

function table(headers: string[], rows: string[][]): string {
  const cells = [headers, ...rows];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n');
}

/** The report as text for a terminal: what was filled, per sensor, the model and its holdout metrics, time per step. */
export function formatRunReport(report: RunReport): string {
  const { totals, model, execution } = report;
  const lines: string[] = [];
  if (report.input) {
    lines.push(
      `input: ${report.input.file}: ${n(report.input.rows)} rows (${n(report.input.inserted)} new, ${n(report.input.unchanged)} already stored, ${n(report.input.rejected)} rejected)`,
    );
  }
  lines.push(`database: ${report.database}`);
  lines.push(
    `run ${execution.runId}: ${execution.status}` +
      (execution.error ? ` (${execution.error.name}: ${execution.error.cause})` : '') +
      `; ledger: ${execution.ledger.status}, found ${execution.ledger.found ?? '-'}, written ${execution.ledger.written ?? '-'}`,
  );
  lines.push('');
  lines.push(
    `${report.parameter}: ${n(totals.readings)} readings of ${totals.sensors} sensors, ${n(totals.missing)} missing; ` +
      `filled by this run ${n(totals.filledNow)}, filled in all ${n(totals.filledTotal)}, still missing ${n(totals.unfilled)}`,
  );
  if (totals.filledNow === 0 && totals.unfilled === 0 && totals.missing > 0) lines.push('(every missing value was filled by earlier runs: nothing is filled twice)');
  lines.push('');
  lines.push(
    table(
      ['sensor', 'readings', 'missing', 'filled now', 'filled in all', 'still missing'],
      report.sensors.map((sensor) => [sensor.deviceId, n(sensor.readings), n(sensor.missing), n(sensor.filledNow), n(sensor.filledTotal), n(sensor.unfilled)]),
    ),
  );
  lines.push('');
  lines.push(`model ${model.version} (${MODEL_SOURCES[model.source]}), holdout ${model.holdout.from.slice(0, 10)} to ${model.holdout.to.slice(0, 10)}:`);
  const metricRow = (name: string, m: RunReport['model']['metrics']) => [name, fixed(m.mae), fixed(m.rmse), fixed(m.mre), fixed(m.r2), n(m.count)];
  lines.push(
    table(
      ['', 'MAE', 'RMSE', 'MRE', 'R²', 'points'],
      [
        metricRow('model', model.metrics),
        metricRow('linear interpolation', model.baselines.linear),
        metricRow('last value carried', model.baselines.locf),
        metricRow('sensor mean', model.baselines.stationMean),
      ],
    ),
  );
  lines.push('');
  lines.push('time per step:');
  lines.push(
    table(
      ['step', 'time', 'attempts'],
      [...report.steps.map((step) => [step.step, seconds(step.ms), step.attempts === undefined ? '' : String(step.attempts)]), ['total', seconds(report.totalMs), '']],
    ),
  );
  return lines.join('\n');
}
