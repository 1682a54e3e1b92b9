import { gzipSync } from 'node:zlib';
import { OpenAPIHono } from '@hono/zod-openapi';
import { readDailyCompleteness, readStatus, type Database } from '@airfill/db';
import type { Context, MiddlewareHandler } from 'hono';
import { seriesToCsv, wantsCsv } from './csv';
import { answerError, type ErrorReporter } from './errors-response';
import { readDataVersion, VersionedCache } from './data-version';
import { cacheControl, etagOf, matchesEtag } from './http-cache';
import { findChannel, readNetworkLatest } from './queries/lookup';
import { listModelsForApi } from './queries/models';
import { getRunDetail, listRuns } from './queries/runs';
import { listSensors, type SensorList } from './queries/sensors';
import { readSeries, readSeriesSummary } from './queries/series';
import { completenessRoute, modelsRoute, runRoute, runsRoute, sensorsRoute, seriesRoute, statusRoute, summaryRoute } from './routes';
import { serveStatic, type StaticAssets } from './static';
import { justAfter, resolveWindow } from './window';

/** What the app serves from and how. */
export interface ApiAppOptions {
  /** The database, read-only (see `connectReadOnly`). Called per request, so a Lambda can open it lazily. */
  database: Database | (() => Database);
  /** The dashboard's files, served at `/`; without them only `/api/*` is served. */
  dashboard?: StaticAssets;
  /** Receives unexpected errors (answered 500/503) for the logs. */
  onError?: ErrorReporter;
  /**
   * Gzip answers for clients that accept it. Off behind CloudFront, which compresses at the edge.
   * @default true
   */
  compress?: boolean;
  /** Title and version in the OpenAPI document. */
  version?: string;
}

const DAY_MS = 86_400_000;
const SERIES_WINDOW = { defaultDays: 7, maxDays: 31, hint: 'ask /api/series/summary for longer windows, or page through shorter ones' };
const SUMMARY_WINDOW = { defaultDays: 365, maxDays: 3660 };
const COMPLETENESS_WINDOW = { defaultDays: 30, maxDays: 366 };

const toDate = (value: string | undefined): Date | undefined => (value === undefined ? undefined : new Date(value));

/** Answers smaller than this are sent as they are: compressing them saves nothing worth the time. */
const COMPRESS_FROM_BYTES = 1024;

/**
 * Gives every successful GET an ETag from its body and answers 304 when the
 * client already holds it; an answer without Cache-Control is revalidated
 * every time (`no-cache`). With `compress`, a client that accepts gzip gets
 * the body gzipped at level 1: a month of a sensor (100 kB of JSON) shrinks
 * to 6 kB in under a millisecond, where the default level took 4 ms.
 */
const etagsAndCompression =
  (compress: boolean): MiddlewareHandler =>
  async (c, next) => {
    await next();
    if (c.req.method !== 'GET' || c.res.status !== 200) return;
    const body = await c.res.text();
    const etag = etagOf(body);
    const headers = new Headers(c.res.headers);
    headers.set('ETag', etag);
    if (!headers.has('Cache-Control')) headers.set('Cache-Control', cacheControl(false));
    if (matchesEtag(c.req.header('If-None-Match'), etag)) {
      c.res = new Response(null, { status: 304, headers });
      return;
    }
    if (compress && body.length >= COMPRESS_FROM_BYTES && /\bgzip\b/.test(c.req.header('Accept-Encoding') ?? '')) {
      headers.set('Content-Encoding', 'gzip');
      headers.append('Vary', 'Accept-Encoding');
      c.res = new Response(gzipSync(body, { level: 1 }), { status: 200, headers });
      return;
    }
    c.res = new Response(body, { status: 200, headers });
  };

/** A URL for the next page: this request's with `name` set to `value`. */
function nextPage(c: Context, name: string, value: string | null): string | null {
  if (value === null) return null;
  const url = new URL(c.req.url);
  url.searchParams.set(name, value);
  return `${url.pathname}${url.search}`;
}

/**
 * The read API (and, when given its files, the dashboard) as one Hono app:
 * `airfill serve` runs it in Node, the API Lambda behind API Gateway. Every
 * query is validated by the zod schemas the OpenAPI document at
 * `/api/openapi.json` is generated from; errors are JSON with a clear
 * message: 400 for a bad query, 404 for an unknown id, 503 when the database
 * cannot be reached.
 */
export function createApiApp(options: ApiAppOptions): OpenAPIHono {
  const db = typeof options.database === 'function' ? options.database : () => options.database as Database;
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (result.success) return undefined;
      const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(query)', message: issue.message }));
      const message = `invalid query: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`;
      return c.json({ error: { status: 400, code: 'bad_request', message, issues } }, 400);
    },
  });
  app.onError((error, c) => answerError(c, error, options.onError));
  // Hono hands only `instanceof Error` values to onError; anything else thrown (a value from another realm) is answered here.
  app.use('*', async (c, next) => {
    try {
      await next();
    } catch (error) {
      c.res = answerError(c, error, options.onError);
    }
  });
  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? c.json({ error: { status: 404, code: 'not_found', message: `no route ${c.req.method} ${c.req.path}; see /api/openapi.json` } }, 404)
      : c.text('not found', 404),
  );
  app.use('/api/*', etagsAndCompression(options.compress ?? true));

  // The sensors' aggregation is the one expensive read; every dashboard load asks it, so answers are shared while the data stays the same.
  const sensorLists = new VersionedCache<SensorList>();
  app.openapi(sensorsRoute, async (c) => {
    const query = c.req.valid('query');
    const version = await readDataVersion(db());
    const list = await sensorLists.get(JSON.stringify(query), version, () => listSensors(db(), { parameter: query.parameter, from: toDate(query.from), to: toDate(query.to) }));
    return c.json(list, 200);
  });

  app.openapi(completenessRoute, async (c) => {
    const query = c.req.valid('query');
    const latest = await readNetworkLatest(db());
    const window = resolveWindow({ from: toDate(query.from), to: toDate(query.to) }, { ...COMPLETENESS_WINDOW, end: latest ? justAfter(latest) : new Date() });
    const days = await readDailyCompleteness(db(), { ...window, parameter: query.parameter, deviceId: query.device });
    return c.json({ window: { from: window.from.toISOString(), to: window.to.toISOString() }, days }, 200);
  });

  app.openapi(seriesRoute, async (c) => {
    const query = c.req.valid('query');
    const channel = await findChannel(db(), query.device, query.parameter);
    const window = resolveWindow({ from: toDate(query.from), to: toDate(query.to) }, { ...SERIES_WINDOW, end: channel.lastTs ? justAfter(channel.lastTs) : new Date() });
    const after = toDate(query.after);
    const page = await readSeries(db(), channel, { ...window, after, limit: query.limit });
    const next = nextPage(c, 'after', page.nextAfter);
    const settled = page.unfilled === 0 && channel.lastTs !== null && window.to.getTime() <= channel.lastTs.getTime();
    c.header('Cache-Control', cacheControl(settled));
    if (wantsCsv(query.format, c.req.header('Accept'))) {
      if (next) c.header('Link', `<${next}>; rel="next"`);
      return c.text(seriesToCsv(page.points), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    }
    const windowJson = { from: window.from.toISOString(), to: window.to.toISOString() };
    return c.json({ device: channel.deviceId, parameter: channel.parameter, window: windowJson, points: page.points, next }, 200);
  });

  app.openapi(summaryRoute, async (c) => {
    const query = c.req.valid('query');
    const channel = await findChannel(db(), query.device, query.parameter);
    const window = resolveWindow({ from: toDate(query.from), to: toDate(query.to) }, { ...SUMMARY_WINDOW, end: channel.lastTs ? justAfter(channel.lastTs) : new Date() });
    const summary = await readSeriesSummary(db(), channel, { ...window, points: query.points });
    const settled = channel.lastTs !== null && window.to.getTime() <= channel.lastTs.getTime() - DAY_MS && summary.buckets.every((b) => b.unfilledCount === 0);
    c.header('Cache-Control', cacheControl(settled));
    return c.json({ device: channel.deviceId, parameter: channel.parameter, window: { from: window.from.toISOString(), to: window.to.toISOString() }, ...summary }, 200);
  });

  app.openapi(runsRoute, async (c) => {
    const query = c.req.valid('query');
    const page = await listRuns(db(), { limit: query.limit, before: toDate(query.before), status: query.status, parameter: query.parameter });
    return c.json({ runs: page.runs, next: nextPage(c, 'before', page.nextBefore) }, 200);
  });

  app.openapi(runRoute, async (c) => c.json(await getRunDetail(db(), c.req.valid('param').id), 200));

  app.openapi(modelsRoute, async (c) => c.json(await listModelsForApi(db(), c.req.valid('query').parameter), 200));

  app.openapi(statusRoute, async (c) => c.json(await readStatus(db()), 200));

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'airfill read API',
      version: options.version ?? '1',
      description: 'Sensors, their readings with the gaps filled (and how), pipeline runs and models. Read-only.',
    },
  });

  if (options.dashboard) serveStatic(app, options.dashboard, options.compress ?? true);
  else app.get('/', (c) => c.text('airfill read API: see /api/openapi.json\n'));
  return app;
}
