import type { ParameterReport, RunReport } from './report';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const n = (value: number) => value.toLocaleString('en-US');
const percent = (share: number | null) => (share === null ? '-' : `${(100 * share).toFixed(1)} %`);
const instant = (iso: string) => escape(iso.slice(0, 16).replace('T', ' '));

/** Data capture cells of a sensor's row of a parameter: over the window, and days meeting the 75 % objective. */
export function captureCells(parameter: ParameterReport, deviceId: string): string {
  const own = parameter.completeness.sensors.find((sensor) => sensor.deviceId === deviceId);
  return `<td>${percent(own?.capture ?? null)}</td><td>${own ? `${own.daysMeetingObjective} of ${own.days}` : '-'}</td>`;
}

/** What a parameter's data capture is, over which window (the sensors' figures are in its table). */
export function captureNote(parameter: ParameterReport): string {
  const window = parameter.completeness.window;
  if (!window) return '';
  return `<p>Data capture (EEA: valid / expected readings; invalid values do not count; a day counts at 75 %) of ${escape(parameter.parameter)} over ${instant(window.from)} to ${instant(window.to)} UTC: ${percent(parameter.completeness.capture)}; per sensor in the table below.</p>`;
}

/** The quality-control section: what the checks flagged before the fill (every parameter), the values filled in their place, and the alerts. */
export function qualitySection(report: RunReport): string {
  const { quality } = report;
  if (!quality.window) return '<h2>Quality control</h2>\n<p>Nothing to check.</p>';
  const flagRows = quality.flags.map((flag) => `<tr><td>${escape(flag.parameter)}</td><td>${escape(flag.check)}</td><td>${flag.severity}</td><td>${n(flag.count)}</td></tr>`).join('\n');
  const filled = Object.entries(quality.filledInvalid);
  const alerts = quality.alerts
    .map((alert) => `<li>${alert.new ? '<strong>new</strong> ' : ''}${escape(alert.deviceId)} ${escape(alert.parameter)}, ${alert.kind}: ${escape(alert.detail)}</li>`)
    .join('');
  return `<h2>Quality control</h2>
<p>${n(quality.readings)} readings of ${instant(quality.window.from)} to ${instant(quality.window.to)} UTC checked before the fill: ${n(quality.invalid)} new flags <em>invalid</em>
(${n(quality.nulled)} values set aside as missing, raw text kept, and filled like gaps), ${n(quality.suspect)} <em>suspect</em> (kept and shown).
${filled.length ? `This run filled ${filled.map(([check, count]) => `${n(count)} flagged ${escape(check)}`).join(', ')}.` : ''}</p>
${flagRows ? `<table><tr><th>parameter</th><th>check</th><th>severity</th><th>new flags</th></tr>\n${flagRows}</table>` : ''}
<h3>Alerts (one per sensor and episode)</h3>
${alerts ? `<ul class="alerts">${alerts}</ul>` : '<p>None.</p>'}`;
}
