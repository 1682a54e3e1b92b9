/** Typed GETs against the read API (paths relative to the page, so the dashboard works under any prefix). */

/** What the server says about this deployment (`dashboard-config.json`). */
export interface DashboardConfig {
  /** A raster tile URL template (`https://.../{z}/{x}/{y}.png`); null: the bundled outline layer only (offline). */
  tileUrl: string | null;
  tileAttribution: string;
}

export interface Sensor {
  deviceId: string;
  location: string | null;
  city: string | null;
  latitude: number;
  longitude: number;
  completeness: number | null;
  health: { status: string; reasons: string[] };
  lastReading: { timestamp: string; parameter: string } | null;
  parameters: { parameter: string; completeness: number | null; imputed: number; unfilled: number; missing: number }[];
}

export interface SeriesPoint {
  timestamp: string;
  value: number | null;
  observed: boolean;
  filled: number | null;
  lower: number | null;
  upper: number | null;
}

export interface SummaryBucket {
  timestamp: string;
  observed: number | null;
  filled: number | null;
  observedCount: number;
  imputedCount: number;
  unfilledCount: number;
  lower: number | null;
  upper: number | null;
}

export interface Run {
  runId: string;
  parameter: string;
  status: string;
  found: number;
  written: number;
  modelVersion: string | null;
  error: { message?: string } | null;
  startedAt: string;
  durationMs: number | null;
}

export interface Models {
  models: { version: string; parameter: string; status: string; createdAt: string; metrics: unknown }[];
  parameters: { parameter: string; current: string | null; lastUsed: string | null }[];
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
