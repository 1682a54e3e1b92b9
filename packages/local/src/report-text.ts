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

/** Where the model's holdout metrics come from, so nobody takes them for a measure of their own data. */
export function modelProvenance(report: RunReport): string {
  const { model } = report;
  const span = `${model.holdout.from.slice(0, 10)} to ${model.holdout.to.slice(0, 10)}`;
  if (!model.trainedOn) return `holdout metrics from its training data, ${span}`;
  if (report.input?.file === model.trainedOn) return `trained on ${model.trainedOn}; holdout metrics from this same file, ${span}`;
  return `trained on ${model.trainedOn}; holdout metrics from that data, ${span}, not from the data filled here (airfill evaluate --csv <your file> measures it there)`;
}

/** What the load did, and the values it did not trust (by device and parameter, with an example). */
function inputLines(input: NonNullable<RunReport['input']>): string[] {
  const lines = [
    `input: ${input.file}: ${n(input.rows)} rows (${n(input.inserted)} new, ${n(input.unchanged)} already stored, ${n(input.rejected)} rejected)`,
  ];
  if (input.invalid + input.sentinels + input.reinterpreted === 0) return lines;
  lines.push(
    `  not trusted, stored as missing: ${n(input.invalid)} out of range (flagged invalid), ${n(input.sentinels)} device sentinels` +
      (input.reinterpreted ? `; ${n(input.reinterpreted)} stored values no longer trusted` : ''),
  );
  for (const channel of input.untrusted) {
    lines.push(`  ${channel.deviceId} ${channel.parameter}: ${n(channel.invalid + channel.sentinels)}, e.g. ${channel.example.ts}: ${channel.example.detail}`);
  }
  return lines;
}

/** The predictions refused as implausible, by reading. */
function refusalLines(report: RunReport): string[] {
  const refused = report.execution.ledger.refused ?? 0;
  if (refused === 0) return [];
  const listed = report.execution.refusals;
  return [
    `refused ${n(refused)} implausible prediction(s); their readings stay missing:`,
    ...listed.map((refusal) => `  ${refusal.deviceId} ${refusal.parameter} at ${refusal.ts}: ${refusal.reason}`),
    ...(refused > listed.length ? [`  ... and ${n(refused - listed.length)} more (table run_refusals)`] : []),
  ];
}

const percent = (share: number | null) => (share === null ? '-' : `${(100 * share).toFixed(1)} %`);
const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/** What quality control found before the fill: new flags, the values it set aside, alerts. */
function qualityLines(report: RunReport): string[] {
  const { quality } = report;
  if (!quality.window) return ['quality control: nothing to check'];
  const lines = [
    `quality control of ${day(quality.window.from)} to ${day(quality.window.to)} UTC: ${n(quality.readings)} readings checked; ` +
      `new flags: ${n(quality.invalid)} invalid (${n(quality.nulled)} values set aside as missing, raw kept), ${n(quality.suspect)} suspect`,
  ];
  for (const flag of quality.flags) lines.push(`  ${flag.parameter} ${flag.check} (${flag.severity}): ${n(flag.count)}`);
  const fresh = quality.alerts.filter((alert) => alert.new).length;
  if (quality.alerts.length > 0) {
    lines.push(`alerts: ${fresh} new, ${quality.alerts.length - fresh} going on (one per sensor and episode):`);
    for (const alert of quality.alerts) lines.push(`  ${alert.new ? 'NEW ' : '    '}${alert.deviceId} ${alert.parameter} ${alert.kind}: ${alert.detail}`);
  }
  return lines;
}

/** The report as text for a terminal: what was filled, per sensor, the model and its holdout metrics, time per step. */
export function formatRunReport(report: RunReport): string {
  const { totals, model, execution } = report;
  const lines: string[] = [];
  if (report.input) lines.push(...inputLines(report.input));
  lines.push(`database: ${report.database}`);
  lines.push(
    `run ${execution.runId}: ${execution.status}` +
      (execution.error ? ` (${execution.error.name}: ${execution.error.cause})` : '') +
      `; ledger: ${execution.ledger.status}, found ${execution.ledger.found ?? '-'}, written ${execution.ledger.written ?? '-'}, refused ${execution.ledger.refused ?? '-'}`,
  );
  lines.push(...refusalLines(report));
  lines.push(...qualityLines(report));
  lines.push('');
  lines.push(
    `${report.parameter}: ${n(totals.readings)} readings of ${totals.sensors} sensors, ${n(totals.missing)} missing; ` +
      `filled by this run ${n(totals.filledNow)}, filled in all ${n(totals.filledTotal)}, still missing ${n(totals.unfilled)}`,
  );
  const invalidFilled = Object.entries(report.quality.filledInvalid);
  if (invalidFilled.length > 0) {
    const count = invalidFilled.reduce((sum, [, value]) => sum + value, 0);
    lines.push(`(of those filled now, ${n(count)} were values flagged invalid, not missing: ${invalidFilled.map(([check, value]) => `${check} ${n(value)}`).join(', ')})`);
  }
  if (totals.filledNow === 0 && totals.unfilled === 0 && totals.missing > 0) lines.push('(every missing value was filled by earlier runs: nothing is filled twice)');
  const held = execution.heldElsewhere;
  if (held.readings > 0) {
    lines.push(
      `(${n(held.readings)} of the missing readings are claimed by ${held.runs.length === 1 ? 'another run' : `${held.runs.length} other runs`} still running: ` +
        `${held.runs.map((other) => `${other.runId} since ${other.startedAt}`).join(', ')}; they are filled when it ends, or by the next run if it fails)`,
    );
  }
  lines.push('');
  const capture = new Map(report.quality.completeness.sensors.map((sensor) => [sensor.deviceId, sensor]));
  const window = report.quality.completeness.window;
  lines.push(
    table(
      ['sensor', 'readings', 'missing', 'filled now', 'filled in all', 'still missing', 'data capture', 'days >= 75 %'],
      report.sensors.map((sensor) => {
        const own = capture.get(sensor.deviceId);
        return [sensor.deviceId, n(sensor.readings), n(sensor.missing), n(sensor.filledNow), n(sensor.filledTotal), n(sensor.unfilled), percent(own?.capture ?? null), own ? `${own.daysMeetingObjective} of ${own.days}` : '-'];
      }),
    ),
  );
  if (window) {
    lines.push(
      `(data capture: valid / expected ${report.parameter} readings, EEA, over ${day(window.from)} to ${day(window.to)} UTC, ${percent(report.quality.completeness.capture)} in all; ` +
        'invalid values do not count; a day counts at 75 %)',
    );
  }
  lines.push('');
  lines.push(`model ${model.version} (${MODEL_SOURCES[model.source]}): ${modelProvenance(report)}:`);
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
