/** Typed GETs against the read API (paths relative to the page, so the dashboard works under any prefix). */
import type { ModelSummary, ParameterModels, RunSummary, SensorSummary, SeriesPoint } from '@airfill/api';

// The page speaks the API's own types (erased when bundled), so a change of the API's shape fails the typecheck here.
export type { DashboardConfig } from '../files';
export type { SeriesPoint, SummaryBucket } from '@airfill/api';
export type Sensor = SensorSummary;
export type Run = RunSummary;
export interface Models {
  models: ModelSummary[];
  parameters: ParameterModels[];
}

/** An answer the API refused, with its message. */
export class ApiRequestError extends Error {}

const TOKEN_KEY = 'airfill-access-token';

/**
 * The bearer token for an API behind a JWT authorizer: an identity provider
 * that redirects to the dashboard with `#access_token=...` hands it over; it
 * is kept for the tab's session only and removed from the address bar.
 */
function accessToken(): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('access_token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** GETs JSON, throwing the API's own message on an error answer. */
export async function getJson<T>(path: string): Promise<T> {
  const token = path.startsWith('api/') ? accessToken() : null;
  const response = await fetch(path, { headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new ApiRequestError(body?.error?.message ?? `${path}: HTTP ${response.status}`);
  }
  return (await response.json()) as T;
}

/** Every point of a raw series window, following the `next` links. */
export async function getSeries(device: string, parameter: string, from: string, to: string): Promise<SeriesPoint[]> {
  const points: SeriesPoint[] = [];
  let next: string | null = `api/series?${new URLSearchParams({ device, parameter, from, to, limit: '10000' })}`;
  while (next) {
    const page: { points: SeriesPoint[]; next: string | null } = await getJson(next);
    points.push(...page.points);
    next = page.next ? page.next.replace(/^\//, '') : null;
  }
  return points;
}
