/**
 * The API's contract: zod schemas that validate every query and describe
 * every answer. The OpenAPI document at `/api/openapi.json` is generated
 * from these, so the document and the validation cannot drift apart.
 */
import { z } from '@hono/zod-openapi';
import { HEALTH_STATUSES } from './health';

const instant = (description: string) =>
  z.iso.datetime({ offset: true }).optional().openapi({ description, example: '2015-06-01T00:00:00Z' });

const count = (fallback: number, max: number, description: string) =>
  z.coerce.number().int().min(1).max(max).default(fallback).openapi({ description, type: 'integer', minimum: 1, maximum: max, default: fallback });

export const sensorsQuery = z.object({
  parameter: z.string().trim().min(1).optional().openapi({ description: 'Only this parameter (e.g. "PM 2.5"); default: every parameter.' }),
  from: instant('Start of the completeness window (inclusive, ISO 8601 with offset). Default: 30 days before `to`.'),
  to: instant("End of the completeness window (exclusive). Default: just after the network's latest reading."),
});

export const formatSchema = z.enum(['json', 'csv']).optional().openapi({ description: 'Answer as JSON (default) or CSV; `Accept: text/csv` does the same.' });

export const seriesQuery = z.object({
  device: z.string().trim().min(1).openapi({ description: 'The device id (`device_id` of the input).', example: 'Aotizhongxin' }),
  parameter: z.string().trim().min(1).openapi({ description: 'The parameter.', example: 'PM 2.5' }),
  from: instant("Start (inclusive). Default: 7 days before `to`."),
  to: instant("End (exclusive). Default: just after the channel's latest reading, or 7 days after `from`."),
  after: instant('Only readings after this instant: the `next` link of the previous page sets it.'),
  limit: count(5000, 10_000, 'Most points in one page.'),
  format: formatSchema,
});

export const summaryQuery = seriesQuery.omit({ after: true, limit: true, format: true }).extend({
  from: instant('Start (inclusive). Default: 365 days before `to`.'),
  points: count(800, 5000, 'Most buckets in the answer; the bucket width is chosen from it.'),
});

export const completenessQuery = z.object({
  device: z.string().trim().min(1).optional().openapi({ description: 'Only this device.' }),
  parameter: z.string().trim().min(1).optional().openapi({ description: 'Only this parameter.' }),
  from: instant('Start (inclusive). Default: 30 days before `to`.'),
  to: instant("End (exclusive). Default: just after the network's latest reading."),
});

export const runsQuery = z.object({
  limit: count(50, 500, 'Most runs in one page.'),
  before: instant('Only runs started before this instant: the `next` link sets it.'),
  status: z.enum(['running', 'succeeded', 'failed']).optional(),
  parameter: z.string().trim().min(1).optional(),
});

export const runParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'The run id (a UUID).' }),
});

export const modelsQuery = z.object({ parameter: z.string().trim().min(1).optional() });

const timestamp = z.string().openapi({ format: 'date-time' });
const nullableNumber = z.number().nullable();

export const errorSchema = z
  .object({
    error: z.object({
      status: z.number().int(),
      code: z.string().openapi({ example: 'bad_request' }),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error');

export const healthSchema = z
  .object({
    status: z.enum(HEALTH_STATUSES),
    reasons: z.array(z.string()),
    flags: z.record(z.string(), z.number().int()).openapi({ description: 'Readings flagged by quality control in the window, by flag (empty until quality control records flags).' }),
  })
  .openapi('Health');

export const sensorSchema = z
  .object({
    deviceId: z.string(),
    location: z.string().nullable(),
    streetName: z.string().nullable(),
    city: z.string().nullable(),
    country: z.string().nullable(),
    latitude: z.number(),
    longitude: z.number(),
    completeness: nullableNumber.openapi({ description: 'Valid / expected readings over the window, all listed parameters.' }),
    health: healthSchema,
    lastReading: z.object({ timestamp, parameter: z.string() }).nullable(),
    parameters: z.array(
      z.object({
        parameter: z.string(),
        sensorType: z.string().nullable(),
        expected: z.number().int(),
        valid: z.number().int(),
        missing: z.number().int(),
        imputed: z.number().int(),
        unfilled: z.number().int(),
        completeness: nullableNumber,
        lastReading: z.object({ timestamp, value: nullableNumber, filled: nullableNumber }).nullable(),
      }),
    ),
  })
  .openapi('Sensor');

const windowSchema = z.object({ from: timestamp, to: timestamp });

export const sensorListSchema = z
  .object({ window: windowSchema, latestReading: timestamp.nullable(), sensors: z.array(sensorSchema) })
  .openapi('SensorList');

export const seriesPointSchema = z
  .object({
    timestamp,
    value: nullableNumber.openapi({ description: 'As measured; null when missing.' }),
    observed: z.boolean(),
    filled: nullableNumber.openapi({ description: 'Measured, else imputed; null while still missing.' }),
    lower: nullableNumber,
    upper: nullableNumber,
    modelVersion: z.string().nullable(),
    runId: z.string().nullable(),
  })
  .openapi('SeriesPoint');

export const seriesSchema = z
  .object({
    device: z.string(),
    parameter: z.string(),
    window: windowSchema,
    points: z.array(seriesPointSchema),
    next: z.string().nullable().openapi({ description: 'URL of the next page; null on the last page.' }),
  })
  .openapi('Series');

export const summarySchema = z
  .object({
    device: z.string(),
    parameter: z.string(),
    window: windowSchema,
    bucketSeconds: z.number().int(),
    buckets: z.array(
      z.object({
        timestamp,
        observed: nullableNumber,
        filled: nullableNumber,
        min: nullableNumber,
        max: nullableNumber,
        observedCount: z.number().int(),
        imputedCount: z.number().int(),
        unfilledCount: z.number().int(),
        lower: nullableNumber,
        upper: nullableNumber,
      }),
    ),
  })
  .openapi('SeriesSummary');

export const completenessSchema = z
  .object({
    window: windowSchema,
    days: z.array(
      z.object({
        deviceId: z.string(),
        parameter: z.string(),
        day: z.string().openapi({ format: 'date' }),
        expected: z.number().int(),
        stored: z.number().int(),
        valid: z.number().int(),
        imputed: z.number().int(),
        completeness: nullableNumber,
      }),
    ),
  })
  .openapi('Completeness');

export const runSchema = z
  .object({
    runId: z.string(),
    trigger: z.string(),
    parameter: z.string(),
    status: z.enum(['running', 'succeeded', 'failed']),
    windowStart: timestamp.nullable(),
    windowEnd: timestamp.nullable(),
    found: z.number().int(),
    predicted: z.number().int(),
    written: z.number().int(),
    modelVersion: z.string().nullable(),
    executionId: z.string().nullable(),
    error: z.unknown().openapi({ description: 'Why the run failed: `{ name, message, ... }`; null unless failed.' }),
    startedAt: timestamp,
    finishedAt: timestamp.nullable(),
    durationMs: z.number().int().nullable(),
  })
  .openapi('Run');

export const runListSchema = z.object({ runs: z.array(runSchema), next: z.string().nullable() }).openapi('RunList');

export const runDetailSchema = runSchema
  .extend({ sensors: z.array(z.object({ deviceId: z.string(), imputed: z.number().int(), from: timestamp, to: timestamp })) })
  .openapi('RunDetail');

export const modelListSchema = z
  .object({
    models: z.array(
      z.object({
        version: z.string(),
        parameter: z.string(),
        status: z.enum(['candidate', 'approved', 'current', 'retired']),
        artifactUri: z.string(),
        featureContract: z.string().nullable(),
        metrics: z.unknown(),
        createdAt: timestamp,
        promotedAt: timestamp.nullable(),
      }),
    ),
    parameters: z.array(z.object({ parameter: z.string(), current: z.string().nullable(), lastUsed: z.string().nullable(), lastUsedAt: timestamp.nullable() })),
  })
  .openapi('ModelList');

const parameterCounts = z.object({ readings: z.number().int(), missing: z.number().int(), imputed: z.number().int(), unfilled: z.number().int() });

export const statusSchema = parameterCounts
  .extend({ sensors: z.number().int(), parameters: z.record(z.string(), parameterCounts) })
  .openapi('Status', { description: 'The object `airfill status --json` prints.' });
