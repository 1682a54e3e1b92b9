import type { ChartSeries } from './chart-series';
import type { ParameterReport, RunReport } from './report';
import { captureCells, captureNote, qualitySection } from './report-html-quality';
import { MODEL_SOURCES, modelProvenance } from './report-text';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const n = (value: number) => value.toLocaleString('en-US');

const WIDTH = 560;
const HEIGHT = 150;
const PAD = { left: 40, right: 8, top: 8, bottom: 18 };

/** The closed outline of a run of filled buckets' intervals (upper edge forward, lower edge back); a lone bucket gets 3 px of width. */
function bandPath(series: ChartSeries, from: number, to: number, x: (t: number) => number, y: (v: number) => number): string | null {
  const edge: { x: number; upper: number; lower: number }[] = [];
  for (let k = from; k <= to; k += 1) {
    const upper = series.upper[k];
    const lower = series.lower[k];
    if (upper != null && lower != null) edge.push({ x: x(series.t[k]!), upper: y(upper), lower: y(lower) });
  }
  if (edge.length === 0) return null;
  if (edge.length === 1) {
    const only = edge[0]!;
    edge.splice(0, 1, { ...only, x: only.x - 1.5 }, { ...only, x: only.x + 1.5 });
  }
  const top = edge.map((point) => `${point.x.toFixed(1)},${point.upper.toFixed(1)}`);
  const bottom = edge.reverse().map((point) => `${point.x.toFixed(1)},${point.lower.toFixed(1)}`);
  return `M${[...top, ...bottom].join('L')}Z`;
}

/**
 * One sensor's chart: observed values as a blue line, filled values as orange
 * dots joined to the observed values around them, inside a shaded band: their
 * calibrated interval.
 */
function chart(series: ChartSeries): string {
  const values = [...series.observed, ...series.filled, ...series.upper].filter((v): v is number => v !== null);
  const max = Math.max(1, ...values);
  const min = Math.min(0, ...values);
  const span = Math.max(1, series.to - series.from);
  const x = (t: number) => PAD.left + ((t - series.from) / span) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number) => HEIGHT - PAD.bottom - ((v - min) / (max - min || 1)) * (HEIGHT - PAD.top - PAD.bottom);
  const paths: string[] = [];
  let current = '';
  series.observed.forEach((value, index) => {
    if (value === null) {
      if (current) paths.push(current);
      current = '';
      return;
    }
    current += `${current ? 'L' : 'M'}${x(series.t[index]!).toFixed(1)},${y(value).toFixed(1)}`;
  });
  if (current) paths.push(current);
  // Each run of filled buckets is drawn as an orange line bridging the observed values on either side.
  const bridges: string[] = [];
  const bands: string[] = [];
  for (let index = 0; index < series.filled.length; index += 1) {
    if (series.observed[index] !== null || series.filled[index] === null) continue;
    let end = index;
    while (end + 1 < series.filled.length && series.observed[end + 1] === null && series.filled[end + 1] !== null) end += 1;
    const points: string[] = [];
    const before = series.observed[index - 1];
    if (index > 0 && before !== null && before !== undefined) points.push(`${x(series.t[index - 1]!).toFixed(1)},${y(before).toFixed(1)}`);
    for (let k = index; k <= end; k += 1) points.push(`${x(series.t[k]!).toFixed(1)},${y(series.filled[k]!).toFixed(1)}`);
    const after = series.observed[end + 1];
    if (after !== null && after !== undefined) points.push(`${x(series.t[end + 1]!).toFixed(1)},${y(after).toFixed(1)}`);
    if (points.length > 1) bridges.push(`M${points.join('L')}`);
    const band = bandPath(series, index, end, x, y);
    if (band) bands.push(band);
    index = end;
  }
  const dots = series.filled
    .map((value, index) => (value === null ? '' : `<circle cx="${x(series.t[index]!).toFixed(1)}" cy="${y(value).toFixed(1)}" r="1.8"/>`))
    .join('');
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escape(series.deviceId)}">
<line x1="${PAD.left}" y1="${HEIGHT - PAD.bottom}" x2="${WIDTH - PAD.right}" y2="${HEIGHT - PAD.bottom}" class="axis"/>
<text x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end">${Math.round(max)}</text>
<text x="${PAD.left - 4}" y="${HEIGHT - PAD.bottom}" text-anchor="end">${Math.round(min)}</text>
<text x="${PAD.left}" y="${HEIGHT - 4}">${day(series.from)}</text>
<text x="${WIDTH - PAD.right}" y="${HEIGHT - 4}" text-anchor="end">${day(series.to)}</text>
${bands.map((d) => `<path d="${d}" class="band"/>`).join('')}
${paths.map((d) => `<path d="${d}" class="observed"/>`).join('')}
${bridges.map((d) => `<path d="${d}" class="bridge"/>`).join('')}
<g class="filled">${dots}</g>
</svg>`;
}

/** What the page must not hide: values not trusted at the door, failed runs, predictions refused, readings another run holds. */
function notices(report: RunReport, parameter: ParameterReport | undefined): string {
  const items: string[] = [];
  const { input } = report;
  if (!parameter && input && input.invalid + input.sentinels > 0) {
    items.push(
      `${n(input.invalid)} value(s) out of range (flagged invalid) and ${n(input.sentinels)} device sentinel(s) in ${escape(input.file)} were stored as missing` +
        (input.untrusted.length ? `: ${input.untrusted.map((c) => `${escape(c.deviceId)} ${escape(c.parameter)} ${n(c.invalid + c.sentinels)} (e.g. ${escape(c.example.detail)})`).join('; ')}` : ''),
    );
  }
  if (!parameter) {
    for (const missing of report.withoutModel) {
      items.push(`${escape(missing.parameter)}: no model fills it, not filled (${n(missing.unfilled)} readings missing); train one with <code>airfill train --parameter "${escape(missing.parameter)}"</code>`);
    }
  }
  if (parameter) {
    const { ledger } = parameter;
    if (ledger.status === 'failed') items.push(`the run failed (${escape(ledger.error?.name ?? 'error')}: ${escape(ledger.error?.message ?? '')}); its readings are free for the next run`);
    if ((ledger.refused ?? 0) > 0) {
      items.push(
        `${n(ledger.refused ?? 0)} implausible prediction(s) refused; their readings stay missing: ` +
          parameter.refusals.map((r) => `${escape(r.deviceId)} at ${escape(r.ts)} (${escape(r.reason)})`).join('; '),
      );
    }
    if (parameter.heldElsewhere.readings > 0) {
      items.push(`${n(parameter.heldElsewhere.readings)} missing reading(s) are claimed by other runs still running: ${parameter.heldElsewhere.runs.map((r) => escape(r.runId)).join(', ')}`);
    }
  }
  return items.length ? `<ul class="notices">${items.map((item) => `<li>${item}</li>`).join('')}</ul>` : '';
}

const metricRow = (name: string, m: ParameterReport['model']['metrics']) =>
  `<tr><td>${name}</td><td>${m.mae.toFixed(2)}</td><td>${m.rmse.toFixed(2)}</td><td>${m.mre.toFixed(3)}</td><td>${m.r2.toFixed(3)}</td></tr>`;

/** The model's live accuracy: the figures over its last runs and each run's ratio to the expected MAE, oldest first. */
function liveBlock(parameter: ParameterReport): string {
  const { live } = parameter;
  if (!live || live.mae === null) return '';
  const ratio = (value: number | null) => (value === null ? '-' : `${value.toFixed(2)}&times;`);
  const trend = live.trend.map((check) => `<td${check.drift ? ' class="status-failed"' : ''}>${ratio(check.ratio)}</td>`).join('');
  const coverage = live.coverage === null ? '' : `; ${(100 * live.coverage).toFixed(0)} % inside their ${(100 * (live.nominalCoverage ?? 0)).toFixed(0)} % intervals`;
  const drift = live.drift ? `<p class="status-failed"><strong>Drift:</strong> the model did markedly worse than expected run after run; retrain it (<code>airfill retrain --parameter "${escape(parameter.parameter)}"</code>).</p>` : '';
  const inSample = live.inSample > live.points / 2 ? ' Most values checked are from the model\'s own training data, so these figures are optimistic.' : '';
  return `<p>Live accuracy over the last ${live.runs} run(s): on ${n(live.points)} observed values hidden from the model, MAE <strong>${live.mae.toFixed(2)}</strong> (linear interpolation ${live.linearMae === null ? '-' : live.linearMae.toFixed(2)}, expected ${live.expectedMae === null ? '-' : live.expectedMae.toFixed(2)}: ${ratio(live.ratio)})${coverage}.${inSample}</p>
<table><tr><th>MAE / expected, per run</th>${trend}</tr></table>
${drift}`;
}

/** One parameter's section: what its run did, what needs a look, its model, a chart and a row per sensor. */
function parameterSection(report: RunReport, parameter: ParameterReport, charts: readonly ChartSeries[]): string {
  const { totals, model, ledger } = parameter;
  const sensorRows = parameter.sensors
    .map((s) => `<tr><td>${escape(s.deviceId)}</td><td>${n(s.readings)}</td><td>${n(s.missing)}</td><td>${n(s.filledNow)}</td><td>${n(s.filledTotal)}</td><td>${n(s.unfilled)}</td>${captureCells(parameter, s.deviceId)}</tr>`)
    .join('\n');
  const chartBlocks = charts
    .map((series) => {
      const sensor = parameter.sensors.find((s) => s.deviceId === series.deviceId);
      return `<figure><figcaption>${escape(series.deviceId)}${sensor ? `: ${n(sensor.missing)} missing, ${n(sensor.filledTotal)} filled` : ''}</figcaption>${chart(series)}</figure>`;
    })
    .join('\n');
  return `<section>
<h2>${escape(parameter.parameter)}</h2>
<p>Run <code>${escape(parameter.runId)}</code>: <strong class="status-${escape(ledger.status)}">${escape(ledger.status)}</strong>. ${n(totals.readings)} readings of ${totals.sensors} sensors, ${n(totals.missing)} missing; filled by this run <strong>${n(totals.filledNow)}</strong>, filled in all ${n(totals.filledTotal)}, still missing ${n(totals.unfilled)}.</p>
${notices(report, parameter)}
<p>Model <code>${escape(model.version)}</code>: ${MODEL_SOURCES[model.source]}; ${escape(modelProvenance(parameter, report.input?.file))}.</p>
<table><tr><th></th><th>MAE</th><th>RMSE</th><th>MRE</th><th>R²</th></tr>
${metricRow('model', model.metrics)}${metricRow('linear interpolation', model.baselines.linear)}${metricRow('last value carried', model.baselines.locf)}${metricRow('sensor mean', model.baselines.stationMean)}</table>
${liveBlock(parameter)}
<div class="charts">${chartBlocks}</div>
${captureNote(parameter)}
<table><tr><th>sensor</th><th>readings</th><th>missing</th><th>filled now</th><th>filled in all</th><th>still missing</th><th>data capture</th><th>days &ge; 75 %</th></tr>
${sensorRows}</table>
</section>`;
}

/**
 * The run report as one self-contained HTML page (no scripts, no external
 * resources): the totals, quality control over every parameter (flags,
 * alerts), then per parameter what its run filled, its data capture, its model
 * and holdout metrics, and per sensor a chart of observed against filled
 * values; the parameters no model fills; time per step.
 */
export function renderReportHtml(report: RunReport, charts: ReadonlyMap<string, readonly ChartSeries[]>): string {
  const { totals, execution } = report;
  const stepRows = [
    ...report.steps.map((s) => `<tr><td>${escape(s.step)}</td><td>${(s.ms / 1000).toFixed(2)} s</td><td>${s.attempts ?? ''}</td></tr>`),
    ...report.parameters.flatMap((p) => [
      ...p.steps.map((s) => `<tr><td>${escape(p.parameter)}: ${escape(s.step)}</td><td>${(s.ms / 1000).toFixed(2)} s</td><td>${s.attempts ?? ''}</td></tr>`),
      `<tr><td>${escape(p.parameter)}: whole run</td><td>${(p.ms / 1000).toFixed(2)} s</td><td></td></tr>`,
    ]),
  ].join('\n');
  const names = report.parameters.map((p) => p.parameter);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>airfill ${escape(execution.name)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{padding:2px 10px;text-align:right;border-bottom:1px solid #eee}td:first-child,th:first-child{text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}figcaption{font-weight:600}
svg text{font-size:10px;fill:#666}.axis{stroke:#bbb}.observed{fill:none;stroke:#2b6cb0;stroke-width:1}.filled circle{fill:#dd6b20}.bridge{fill:none;stroke:#dd6b20;stroke-width:1.5}.band{fill:#dd6b20;fill-opacity:.18;stroke:none}
.status-failed{color:#c53030}.legend span{display:inline-block;width:12px;height:4px;margin:0 4px 2px 12px}
</style></head><body>
<h1>airfill: ${names.length ? escape(names.join(', ')) : 'nothing'} filled</h1>
<p>Execution <code>${escape(execution.name)}</code>: <strong class="status-${execution.status}">${execution.status}</strong>${execution.error ? ` (${escape(execution.error.name)}: ${escape(execution.error.cause)})` : ''}; generated ${escape(report.generatedAt)}.</p>
<p>Over ${names.length} parameter(s) and ${totals.sensors} sensors: ${n(totals.readings)} readings, ${n(totals.missing)} missing; filled by this run <strong>${n(totals.filledNow)}</strong>, filled in all ${n(totals.filledTotal)}, still missing ${n(totals.unfilled)}.</p>
${notices(report, undefined)}
${qualitySection(report)}
<p class="legend"><span style="background:#2b6cb0"></span>observed <span style="background:#dd6b20"></span>filled (averaged per time bucket) <span style="background:#dd6b2040"></span>its calibrated interval</p>
${report.parameters.map((parameter) => parameterSection(report, parameter, charts.get(parameter.parameter) ?? [])).join('\n')}
<h2>Time per step</h2>
<p>The parameters run side by side: their times overlap.</p>
<table><tr><th>step</th><th>time</th><th>attempts</th></tr>
${stepRows}<tr><td>total</td><td>${(report.totalMs / 1000).toFixed(2)} s</td><td></td></tr></table>
</body></html>
`;
}
