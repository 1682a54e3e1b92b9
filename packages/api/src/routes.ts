/** The API's routes as OpenAPI route definitions (handlers are in app.ts). */
import { createRoute, z } from '@hono/zod-openapi';
import {
  completenessQuery,
  completenessSchema,
  errorSchema,
  modelListSchema,
  modelsQuery,
  runDetailSchema,
  runListSchema,
  runParams,
  runsQuery,
  sensorListSchema,
  sensorsQuery,
  seriesQuery,
  seriesSchema,
  statusSchema,
  summaryQuery,
  summarySchema,
} from './schemas';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const badQuery = { 400: json(errorSchema, 'The query is invalid; `error.issues` names each bad parameter.') };
const notFound = { 404: json(errorSchema, 'The id does not exist.') };
const unavailable = { 503: json(errorSchema, 'The database cannot be reached; retry later.') };

export const sensorsRoute = createRoute({
  method: 'get',
  path: '/api/sensors',
  summary: 'Every sensor: location, parameters, completeness, health and latest reading',
  tags: ['sensors'],
  request: { query: sensorsQuery },
  responses: { 200: json(sensorListSchema, 'The sensors, judged over the window.'), ...badQuery, ...unavailable },
});

export const completenessRoute = createRoute({
  method: 'get',
  path: '/api/completeness',
  summary: 'Valid / expected readings per sensor, parameter and UTC day',
  tags: ['sensors'],
  request: { query: completenessQuery },
  responses: { 200: json(completenessSchema, 'One row per sensor, parameter and day.'), ...badQuery, ...unavailable },
});

export const seriesRoute = createRoute({
  method: 'get',
  path: '/api/series',
  summary: "One sensor's readings of a parameter, observed and filled, one point per reading",
  description:
    'At most 31 days per request, paged by `limit` (the `next` link, or a `Link: rel="next"` header for CSV). ETag on every answer; a window before the latest reading without unfilled gaps may be cached for an hour. For longer windows use /api/series/summary.',
  tags: ['series'],
  request: { query: seriesQuery },
  responses: {
    200: {
      content: { 'application/json': { schema: seriesSchema }, 'text/csv': { schema: z.string().openapi({ example: 'timestamp,value,observed,filled,lower,upper,model_version,run_id\n' }) } },
      description: 'A page of the series.',
    },
    304: { description: 'Not modified (If-None-Match matched the ETag).' },
    ...badQuery,
    ...notFound,
    ...unavailable,
  },
});

export const summaryRoute = createRoute({
  method: 'get',
  path: '/api/series/summary',
  summary: 'A series downsampled on the server for long windows (up to 10 years)',
  tags: ['series'],
  request: { query: summaryQuery },
  responses: { 200: json(summarySchema, 'Buckets of the series.'), 304: { description: 'Not modified.' }, ...badQuery, ...notFound, ...unavailable },
});

export const runsRoute = createRoute({
  method: 'get',
  path: '/api/runs',
  summary: 'Pipeline runs, newest first: what each found, filled and why it failed',
  tags: ['runs'],
  request: { query: runsQuery },
  responses: { 200: json(runListSchema, 'A page of runs.'), ...badQuery, ...unavailable },
});

export const runRoute = createRoute({
  method: 'get',
  path: '/api/runs/{id}',
  summary: 'One run, with what it filled per sensor',
  tags: ['runs'],
  request: { params: runParams },
  responses: { 200: json(runDetailSchema, 'The run.'), ...badQuery, ...notFound, ...unavailable },
});

export const modelsRoute = createRoute({
  method: 'get',
  path: '/api/models',
  summary: 'Registered models with their metrics; per parameter the current and the last used model',
  tags: ['models'],
  request: { query: modelsQuery },
  responses: { 200: json(modelListSchema, 'The registry.'), ...badQuery, ...unavailable },
});

export const statusRoute = createRoute({
  method: 'get',
  path: '/api/status',
  summary: 'Counts of sensors, readings, missing, imputed and unfilled values (as `airfill status --json`)',
  tags: ['status'],
  responses: { 200: json(statusSchema, 'The counts.'), ...unavailable },
});
