import type { Models, Run } from './api';
import { duration, escapeHtml, number } from './format';

/** The message of a run's recorded error (`{ name, message, ... }`), or nothing. */
function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
}

/** Fills the runs table: what each run found, filled and, when it failed, why. */
export function renderRuns(body: HTMLTableSectionElement, runs: readonly Run[]): void {
  if (runs.length === 0) {
    body.innerHTML = '<tr><td colspan="8">No runs yet: <code>airfill run</code> fills the gaps.</td></tr>';
    return;
  }
  body.innerHTML = runs
    .map(
      (run) => `<tr>
        <td>${escapeHtml(new Date(run.startedAt).toLocaleString())}</td>
        <td>${escapeHtml(run.parameter)}</td>
        <td class="status-${escapeHtml(run.status)}">${escapeHtml(run.status)}</td>
        <td class="num">${number(run.found)}</td>
        <td class="num">${number(run.written)}</td>
        <td>${escapeHtml(run.modelVersion ?? '–')}</td>
        <td class="num">${duration(run.durationMs)}</td>
        <td class="error">${escapeHtml(errorMessage(run.error))}</td>
      </tr>`,
    )
    .join('');
}

type Metrics = { model?: Record<string, number>; baselines?: Record<string, Record<string, number>> };
const metric = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(2));

/** Per parameter the current model with its holdout metrics (and the linear-interpolation baseline), and the last one used. */
export function renderModels(element: HTMLElement, models: Models): void {
  if (models.parameters.length === 0) {
    element.innerHTML = '<p>No models registered and no runs yet.</p>';
    return;
  }
  const rows = models.parameters.map((p) => {
    const current = models.models.find((m) => m.version === p.current);
    const metrics = (current?.metrics ?? {}) as Metrics;
    const usedNote = p.lastUsed && p.lastUsed !== p.current ? `${escapeHtml(p.lastUsed)}${models.models.some((m) => m.version === p.lastUsed) ? '' : ' (not in the registry: the committed default model)'}` : escapeHtml(p.lastUsed ?? '–');
    return `<tr>
      <td>${escapeHtml(p.parameter)}</td>
      <td>${escapeHtml(p.current ?? 'none registered')}</td>
      <td class="num">${metric(metrics.model?.mae)}</td>
      <td class="num">${metric(metrics.model?.rmse)}</td>
      <td class="num">${metric(metrics.model?.r2)}</td>
      <td class="num">${metric(metrics.baselines?.linear?.mae)}</td>
      <td>${usedNote}</td>
    </tr>`;
  });
  element.innerHTML = `<table><caption>The current model per parameter, with its metrics on the held-out range</caption>
    <thead><tr><th scope="col">parameter</th><th scope="col">current model</th><th scope="col">MAE</th><th scope="col">RMSE</th><th scope="col">R²</th><th scope="col">linear interpolation MAE</th><th scope="col">last used by a run</th></tr></thead>
    <tbody>${rows.join('')}</tbody></table>`;
}
