/**
 * The dashboard: the sensor map and list, a chart of the selected sensor's
 * series (observed, filled, interval), the run history and the models.
 * Every number comes from the read API beside it.
 */
import type L from 'leaflet';
import { getJson, getSeries, type DashboardConfig, type Models, type Run, type Sensor, type SummaryBucket } from './api';
import { drawChart } from './chart';
import { bucketsToColumns, pointsToColumns } from './columns';
import { completenessColour, escapeHtml, LEGEND, number, percent } from './format';
import { drawMap } from './map';
import { renderModels, renderRuns } from './tables';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const DAY_MS = 86_400_000;

let sensors: Sensor[] = [];
let latestReading: string | null = null;
let selected: Sensor | undefined;
let markers = new Map<string, L.CircleMarker>();

function showError(where: HTMLElement, error: unknown): void {
  where.textContent = `Could not load: ${error instanceof Error ? error.message : String(error)}`;
  where.classList.add('error');
}

function renderList(): void {
  $('legend').innerHTML = LEGEND.map(([colour, label]) => `<span><span class="dot" style="background:${colour}"></span>${label}</span>`).join('');
  $('sensor-list').innerHTML = sensors
    .map(
      (s) => `<li><button type="button" data-device="${escapeHtml(s.deviceId)}" aria-pressed="false">
        <span class="dot" style="background:${completenessColour(s.completeness)}"></span>
        <span>${escapeHtml(s.deviceId)} <small>${percent(s.completeness)} · ${escapeHtml(s.health.status)}</small></span></button></li>`,
    )
    .join('');
  for (const button of $('sensor-list').querySelectorAll('button')) {
    button.addEventListener('click', () => void select(button.dataset.device ?? ''));
  }
}

async function drawSeries(): Promise<void> {
  if (!selected) return;
  const parameter = $<HTMLSelectElement>('parameter').value;
  const days = Number($<HTMLSelectElement>('range').value);
  const end = new Date(Date.parse(selected.lastReading?.timestamp ?? latestReading ?? new Date().toISOString()) + 1);
  const from = new Date(end.getTime() - days * DAY_MS).toISOString();
  const to = end.toISOString();
  const summary = $('series-summary');
  summary.classList.remove('error');
  summary.textContent = 'Loading the series…';
  try {
    const { columns, counts } =
      days <= 31
        ? pointsToColumns(await getSeries(selected.deviceId, parameter, from, to))
        : bucketsToColumns(
            (await getJson<{ buckets: SummaryBucket[] }>(`api/series/summary?${new URLSearchParams({ device: selected.deviceId, parameter, from, to, points: '800' })}`)).buckets,
          );
    drawChart($('chart'), `${selected.deviceId} · ${parameter}`, columns);
    summary.textContent = `${number(counts.readings)} readings: ${number(counts.observed)} observed, ${number(counts.filled)} filled, ${number(counts.unfilled)} still missing${days > 31 ? ' (downsampled on the server)' : ''}.`;
    summary.dataset.filled = String(counts.filled);
  } catch (error) {
    showError(summary, error);
  }
}

async function select(deviceId: string): Promise<void> {
  selected = sensors.find((s) => s.deviceId === deviceId);
  if (!selected) return;
  for (const button of $('sensor-list').querySelectorAll('button')) button.setAttribute('aria-pressed', String(button.dataset.device === deviceId));
  for (const [id, marker] of markers) marker.setStyle({ weight: id === deviceId ? 3 : 1 });
  $('sensor-section').hidden = false;
  $('sensor-heading').textContent = `Sensor ${selected.deviceId}`;
  const place = [selected.location, selected.city].filter(Boolean).join(', ');
  $('sensor-facts').textContent = `${place ? `${place}. ` : ''}Completeness ${percent(selected.completeness)}, health ${selected.health.status}${selected.health.reasons.length ? `: ${selected.health.reasons.join('; ')}` : ''}. Last reading ${selected.lastReading ? new Date(selected.lastReading.timestamp).toLocaleString() : 'never'}.`;
  const select = $<HTMLSelectElement>('parameter');
  const previous = select.value;
  select.innerHTML = selected.parameters.map((p) => `<option>${escapeHtml(p.parameter)}</option>`).join('');
  const preferred = selected.parameters.find((p) => p.parameter === previous) ?? selected.parameters.find((p) => p.imputed > 0) ?? selected.parameters[0];
  if (preferred) select.value = preferred.parameter;
  await drawSeries();
}

async function main(): Promise<void> {
  const config = await getJson<DashboardConfig>('dashboard-config.json').catch((): DashboardConfig => ({ tileUrl: null, tileAttribution: '' }));
  try {
    const list = await getJson<{ sensors: Sensor[]; latestReading: string | null; window: { from: string; to: string } }>('api/sensors');
    sensors = list.sensors;
    latestReading = list.latestReading;
    const healthy = sensors.filter((s) => s.health.status === 'ok').length;
    $('overview').textContent = `${sensors.length} sensors, ${healthy} healthy; completeness over ${new Date(list.window.from).toLocaleDateString()} – ${new Date(list.window.to).toLocaleDateString()}.`;
    renderList();
    markers = await drawMap($('map'), config, sensors, (id) => void select(id));
  } catch (error) {
    showError($('overview'), error);
  }
  $('parameter').addEventListener('change', () => void drawSeries());
  $('range').addEventListener('change', () => void drawSeries());
  await Promise.all([
    getJson<{ runs: Run[] }>('api/runs?limit=20').then((r) => renderRuns($<HTMLTableElement>('runs').tBodies[0]!, r.runs), (error) => showError($('runs-heading'), error)),
    getJson<Models>('api/models').then((m) => renderModels($('models'), m), (error) => showError($('models'), error)),
  ]);
  document.body.dataset.ready = 'true';
}

void main();
