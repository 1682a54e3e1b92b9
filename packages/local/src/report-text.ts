import type { ParameterReport, RunReport } from './report';

const n = (value: number) => value.toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const fixed = (value: number) => value.toFixed(2);
const percent = (share: number | null) => (share === null ? '-' : `${(100 * share).toFixed(1)} %`);
const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/** Where a model came from, in words. */
export const MODEL_SOURCES: Record<ParameterReport['model']['source'], string> = {
  default: 'the committed default model',
  registry: 'current in the model registry',
  directory: 'from AIRFILL_MODEL_DIR',
};

function table(headers: string[], rows: string[][]): string {
  const cells = [headers, ...rows];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n');
}

/** Where a model's holdout metrics come from, so nobody takes them for a measure of their own data. */
export function modelProvenance(parameter: ParameterReport, inputFile: string | undefined): string {
  const { model } = parameter;
  const span = `${model.holdout.from.slice(0, 10)} to ${model.holdout.to.slice(0, 10)}`;
  if (!model.trainedOn) return `holdout metrics from its training data, ${span}`;
  if (inputFile === model.trainedOn) return `trained on ${model.trainedOn}; holdout metrics from this same file, ${span}`;
  return `trained on ${model.trainedOn}; holdout metrics from that data, ${span}, not from the data filled here (airfill evaluate --csv <your file> measures it there)`;
}

/** The model's gain over linear interpolation on its holdout, as a share of the interpolation's MAE. */
export const gainOverLinear = (model: ParameterReport['model']) => 1 - model.metrics.mae / model.baselines.linear.mae;

/** What the load did, and the values it did not trust (by device and parameter, with an example). */
function inputLines(input: NonNullable<RunReport['input']>): string[] {
  const lines = [`input: ${input.file}: ${n(input.rows)} rows (${n(input.inserted)} new, ${n(input.unchanged)} already stored, ${n(input.rejected)} rejected)`];
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

/** What needs a look, per parameter: failed runs, refused predictions, readings other runs hold, parameters without a model. */
function attentionLines(report: RunReport): string[] {
  const lines: string[] = [];
  for (const parameter of report.parameters) {
    const { ledger } = parameter;
    if (ledger.status === 'failed') {
      lines.push(`${parameter.parameter}: run ${ledger.error?.runId ?? parameter.runId} failed (${ledger.error?.name ?? 'error'}: ${ledger.error?.message ?? ''}); its readings are free for the next run`);
    }
    const refused = ledger.refused ?? 0;
    if (refused > 0) {
      lines.push(`${parameter.parameter}: refused ${n(refused)} implausible prediction(s); their readings stay missing:`);
      lines.push(...parameter.refusals.map((refusal) => `  ${refusal.deviceId} ${refusal.parameter} at ${refusal.ts}: ${refusal.reason}`));
      if (refused > parameter.refusals.length) lines.push(`  ... and ${n(refused - parameter.refusals.length)} more (table run_refusals)`);
    }
    const held = parameter.heldElsewhere;
    if (held.readings > 0) {
      lines.push(
        `${parameter.parameter}: ${n(held.readings)} of the missing readings are claimed by ${held.runs.length === 1 ? 'another run' : `${held.runs.length} other runs`} still running: ` +
          `${held.runs.map((other) => `${other.runId} since ${other.startedAt}`).join(', ')}; they are filled when it ends, or by the next run if it fails`,
      );
    }
  }
  for (const parameter of report.withoutModel) {
    lines.push(
      `${parameter.parameter}: no model fills it, not filled (${n(parameter.unfilled)} of ${n(parameter.readings)} readings missing); train one with: airfill train --parameter "${parameter.parameter}"`,
    );
  }
  return lines;
}

/** What quality control found before the fill, over every parameter: new flags, the values it set aside, what was filled in their place, alerts. */
function qualityLines(report: RunReport): string[] {
  const { quality } = report;
  if (!quality.window) return ['quality control: nothing to check'];
  const lines = [
    `quality control of ${day(quality.window.from)} to ${day(quality.window.to)} UTC: ${n(quality.readings)} readings checked; ` +
      `new flags: ${n(quality.invalid)} invalid (${n(quality.nulled)} values set aside as missing, raw kept), ${n(quality.suspect)} suspect`,
  ];
  for (const flag of quality.flags) lines.push(`  ${flag.parameter} ${flag.check} (${flag.severity}): ${n(flag.count)}`);
  const invalidFilled = Object.entries(quality.filledInvalid);
  if (invalidFilled.length > 0) {
    const count = invalidFilled.reduce((sum, [, value]) => sum + value, 0);
    lines.push(`  of the values filled now, ${n(count)} were values flagged invalid, not missing: ${invalidFilled.map(([check, value]) => `${check} ${n(value)}`).join(', ')}`);
  }
  const fresh = quality.alerts.filter((alert) => alert.new).length;
  if (quality.alerts.length > 0) {
    lines.push(`alerts: ${fresh} new, ${quality.alerts.length - fresh} going on (one per sensor and episode):`);
    for (const alert of quality.alerts) lines.push(`  ${alert.new ? 'NEW ' : '    '}${alert.deviceId} ${alert.parameter} ${alert.kind}: ${alert.detail}`);
  }
  return lines;
}

/** Data capture per parameter (EEA: valid / expected readings), over the window, and sensor-days meeting 75 %. */
function captureLines(report: RunReport): string[] {
  const window = report.parameters.find((parameter) => parameter.completeness.window)?.completeness.window;
  if (!window) return [];
  return [
    `data capture (valid / expected readings, EEA; invalid values do not count; a day counts at 75 %) over ${day(window.from)} to ${day(window.to)} UTC:`,
    table(
      ['parameter', 'data capture', 'sensor-days >= 75 %'],
      report.parameters.map((parameter) => {
        const days = parameter.completeness.sensors.reduce((sum, sensor) => [sum[0]! + sensor.daysMeetingObjective, sum[1]! + sensor.days], [0, 0]);
        return [parameter.parameter, percent(parameter.completeness.capture), `${days[0]} of ${days[1]}`];
      }),
    ),
  ];
}

/** Every sensor, over every parameter filled. */
function sensorRows(report: RunReport): string[][] {
  const bySensor = new Map<string, number[]>();
  for (const parameter of report.parameters) {
    for (const sensor of parameter.sensors) {
      const sums = bySensor.get(sensor.deviceId) ?? [0, 0, 0, 0, 0];
      [sensor.readings, sensor.missing, sensor.filledNow, sensor.filledTotal, sensor.unfilled].forEach((value, index) => (sums[index]! += value));
      bySensor.set(sensor.deviceId, sums);
    }
  }
  return [...bySensor].sort(([a], [b]) => a.localeCompare(b)).map(([deviceId, sums]) => [deviceId, ...sums.map(n)]);
}

/** The live check: each model's MAE on values the runs hid from it, against what its holdout leads one to expect, and the trend over its last runs. */
function liveLines(report: RunReport): string[] {
  const checked = report.parameters.filter((parameter) => parameter.live && parameter.live.mae !== null);
  if (checked.length === 0) return [];
  const ratio = (value: number | null) => (value === null ? '-' : `${value.toFixed(2)}x`);
  const lines = [
    'live accuracy: observed values each run hid from the model, predicted and compared (never written); x = MAE / expected (holdout MAE scaled to how hard the gaps were for interpolation):',
    table(
      ['parameter', 'runs', 'values', 'MAE', 'linear', 'expected', 'x', 'coverage', 'trend (x, oldest first)'],
      checked.map(({ parameter, live }) => [
        parameter,
        n(live!.runs),
        n(live!.points),
        fixed(live!.mae!),
        live!.linearMae === null ? '-' : fixed(live!.linearMae),
        live!.expectedMae === null ? '-' : fixed(live!.expectedMae),
        ratio(live!.ratio),
        live!.coverage === null ? '-' : `${(100 * live!.coverage).toFixed(0)}% of ${(100 * (live!.nominalCoverage ?? 0)).toFixed(0)}%`,
        live!.trend.map((check) => ratio(check.ratio)).join(' '),
      ]),
    ),
  ];
  for (const { parameter, live } of checked) {
    if (live!.drift) lines.push(`  ${parameter}: DRIFT: the model did markedly worse than expected run after run; retrain it: airfill retrain --parameter "${parameter}"`);
    if (live!.inSample > live!.points / 2) lines.push(`  ${parameter}: most values checked are from the model's own training data, so its live MAE is optimistic`);
  }
  return lines;
}

/** The report as text for a terminal: per parameter what was filled, what needs a look, per sensor, the models and their holdout metrics, their live accuracy, time per step. */
export function formatRunReport(report: RunReport): string {
  const { totals, execution } = report;
  const lines: string[] = [];
  if (report.input) lines.push(...inputLines(report.input));
  lines.push(`database: ${report.database}`);
  lines.push(`execution ${execution.name}: ${execution.status}${execution.error ? ` (${execution.error.name})` : ''}`);
  lines.push(...qualityLines(report));
  lines.push('');
  lines.push(
    table(
      ['parameter', 'run', 'found', 'filled now', 'filled in all', 'still missing', 'refused'],
      [
        ...report.parameters.map((p) => [p.parameter, p.ledger.status, p.ledger.found === null ? '-' : n(p.ledger.found), n(p.totals.filledNow), n(p.totals.filledTotal), n(p.totals.unfilled), n(p.ledger.refused ?? 0)]),
        ...report.withoutModel.map((p) => [p.parameter, 'no model', '-', '0', n(p.missing - p.unfilled), n(p.unfilled), '0']),
        ['all filled', '', '', n(totals.filledNow), n(totals.filledTotal), n(totals.unfilled), ''],
      ],
    ),
  );
  if (report.parameters.length > 0 && totals.filledNow === 0 && totals.unfilled === 0 && totals.missing > 0) lines.push('(every missing value was filled by earlier runs: nothing is filled twice)');
  const attention = attentionLines(report);
  if (attention.length) lines.push('', ...attention);
  lines.push('');
  lines.push(`${totals.sensors} sensors, over ${report.parameters.length === 1 ? report.parameters[0]!.parameter : `the ${report.parameters.length} parameters filled`}:`);
  lines.push(table(['sensor', 'readings', 'missing', 'filled now', 'filled in all', 'still missing'], sensorRows(report)));
  const capture = captureLines(report);
  if (capture.length) lines.push('', ...capture);
  lines.push('');
  lines.push('models, with their holdout metrics (MAE; the gain is over linear interpolation):');
  lines.push(
    table(
      ['parameter', 'model', 'source', 'MAE', 'linear', 'gain', 'R²', 'points'],
      report.parameters.map((p) => [
        p.parameter,
        p.model.version,
        p.model.source,
        fixed(p.model.metrics.mae),
        fixed(p.model.baselines.linear.mae),
        `${(100 * gainOverLinear(p.model)).toFixed(0)}%`,
        fixed(p.model.metrics.r2),
        n(p.model.metrics.count),
      ]),
    ),
  );
  for (const parameter of report.parameters) lines.push(`  ${parameter.parameter}: ${MODEL_SOURCES[parameter.model.source]}; ${modelProvenance(parameter, report.input?.file)}`);
  const live = liveLines(report);
  if (live.length) lines.push('', ...live);
  lines.push('');
  lines.push('time per step (the parameters run side by side: their times overlap):');
  const parameterRows = report.parameters.flatMap((p) => [
    ...p.steps.map((step) => [`${p.parameter}: ${step.step}`, seconds(step.ms), step.attempts === undefined ? '' : String(step.attempts)]),
    [`${p.parameter}: whole run`, seconds(p.ms), ''],
  ]);
  lines.push(
    table(
      ['step', 'time', 'attempts'],
      [...report.steps.map((step) => [step.step, seconds(step.ms), step.attempts === undefined ? '' : String(step.attempts)]), ...parameterRows, ['total', seconds(report.totalMs), '']],
    ),
  );
  return lines.join('\n');
}
