/**
 * The airfill data model (DESIGN section 2) as drizzle tables. drizzle-kit
 * generates the SQL migrations in `migrations/` from this file.
 *
 * Readings are keyed by (sensor, parameter, ts) and never overwritten; a
 * prediction lives beside its reading in `imputations`. At 100M+ readings the
 * path is range partitioning of `readings` by `ts` (monthly); not done yet.
 */
import { sql } from 'drizzle-orm';
import {
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  pgView,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 6 });

/** One row per device (the `device_id` of the input contract). */
export const sensors = pgTable('sensors', {
  id: serial('id').primaryKey(),
  deviceId: text('device_id').notNull().unique(),
  chipId: text('chip_id'),
  locationId: text('location_id'),
  location: text('location'),
  streetName: text('street_name'),
  city: text('city'),
  country: text('country'),
  latitude: doublePrecision('latitude').notNull(),
  longitude: doublePrecision('longitude').notNull(),
  deploymentDate: date('deployment_date'),
});

/**
 * What measures one parameter on a device. The input contract names a
 * `sensor_id` and `sensor_type` per row, and they differ between the
 * parameters of one device (a PM sensor and a gas sensor on one board), so they
 * live here rather than on `sensors`.
 */
export const sensorChannels = pgTable(
  'sensor_channels',
  {
    sensorRef: integer('sensor_ref')
      .notNull()
      .references(() => sensors.id, { onDelete: 'cascade' }),
    parameter: text('parameter').notNull(),
    sensorId: text('sensor_id'),
    sensorType: text('sensor_type'),
  },
  (t) => [primaryKey({ columns: [t.sensorRef, t.parameter] })],
);

/**
 * Readings as received. `value` is NULL when missing; `raw_value` keeps the
 * cell text (so 65535 is not lost).
 *
 * `sensor_ref` has no foreign key: on this, the biggest table, the per-row
 * check cost 40% of every load (bench/load). Readings enter only through the
 * loader, which stores their sensors first in the same transaction and takes
 * `sensor_ref` from a join with `sensors`.
 */
export const readings = pgTable(
  'readings',
  {
    sensorRef: integer('sensor_ref').notNull(),
    parameter: text('parameter').notNull(),
    ts: instant('ts').notNull(),
    value: doublePrecision('value'),
    rawValue: text('raw_value'),
  },
  (t) => [
    primaryKey({ columns: [t.sensorRef, t.parameter, t.ts] }),
    // The missing-value scan reads only this small index.
    index('readings_missing_idx').on(t.parameter, t.ts).where(sql`${t.value} is null`),
  ],
);

export const runStatus = pgEnum('run_status', ['running', 'succeeded', 'failed']);

/** The run ledger: one row per pipeline execution. */
export const runs = pgTable(
  'runs',
  {
    runId: uuid('run_id').primaryKey().defaultRandom(),
    trigger: text('trigger').notNull(),
    parameter: text('parameter').notNull(),
    windowStart: instant('window_start'),
    windowEnd: instant('window_end'),
    status: runStatus('status').notNull().default('running'),
    found: integer('found').notNull().default(0),
    predicted: integer('predicted').notNull().default(0),
    written: integer('written').notNull().default(0),
    modelVersion: text('model_version'),
    executionId: text('execution_id'),
    error: jsonb('error'),
    startedAt: instant('started_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
    finishedAt: instant('finished_at'),
  },
  (t) => [index('runs_status_idx').on(t.status, t.startedAt)],
);

/**
 * A prediction for a missing reading, with provenance. One per reading, ever.
 *
 * No foreign key to `readings`: the writer inserts only for readings that
 * exist and are missing (it joins them), and the per-row check of a composite
 * key cost more than the whole write besides (bench/writeback: 2.2 s -> 0.9 s
 * per 100,000). The run keeps its key: provenance must point at a real run.
 */
export const imputations = pgTable(
  'imputations',
  {
    sensorRef: integer('sensor_ref').notNull(),
    parameter: text('parameter').notNull(),
    ts: instant('ts').notNull(),
    value: doublePrecision('value').notNull(),
    /** Bounds of the prediction interval at the model's calibrated level (NULL for models without calibration). */
    lower: doublePrecision('lower'),
    upper: doublePrecision('upper'),
    modelVersion: text('model_version').notNull(),
    runId: uuid('run_id')
      .notNull()
      .references(() => runs.runId),
    imputedAt: instant('imputed_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.sensorRef, t.parameter, t.ts] }),
    index('imputations_run_idx').on(t.runId),
  ],
);

/**
 * Which run is working on which missing reading, so two overlapping runs
 * never predict the same reading. A claim goes when its run ends. Claims are
 * made from `readings` by one INSERT ... SELECT, so, as for imputations, no
 * per-row foreign key to readings.
 */
export const claims = pgTable(
  'claims',
  {
    sensorRef: integer('sensor_ref').notNull(),
    parameter: text('parameter').notNull(),
    ts: instant('ts').notNull(),
    runId: uuid('run_id')
      .notNull()
      .references(() => runs.runId, { onDelete: 'cascade' }),
    claimedAt: instant('claimed_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.sensorRef, t.parameter, t.ts] }),
    index('claims_run_idx').on(t.runId),
  ],
);

export const modelStatus = pgEnum('model_status', ['candidate', 'approved', 'current', 'retired']);

/** The model registry. At most one `current` model per parameter. */
export const models = pgTable(
  'models',
  {
    version: text('version').primaryKey(),
    parameter: text('parameter').notNull(),
    artifactUri: text('artifact_uri').notNull(),
    featureContract: jsonb('feature_contract').notNull(),
    metrics: jsonb('metrics').notNull(),
    status: modelStatus('status').notNull().default('candidate'),
    createdAt: instant('created_at').notNull().defaultNow(),
    promotedAt: instant('promoted_at'),
  },
  (t) => [uniqueIndex('models_one_current_idx').on(t.parameter).where(sql`${t.status} = 'current'`)],
);

/** Readings with the gaps filled: the observed value where there is one, else the imputed one. */
export const readingsFilled = pgView('readings_filled').as((qb) =>
  qb
    .select({
      sensorRef: readings.sensorRef,
      parameter: readings.parameter,
      ts: readings.ts,
      observed: sql<number | null>`${readings.value}`.as('observed'),
      rawValue: readings.rawValue,
      imputed: sql<number | null>`${imputations.value}`.as('imputed'),
      value: sql<number | null>`coalesce(${readings.value}, ${imputations.value})`.as('value'),
      isImputed: sql<boolean>`(${readings.value} is null and ${imputations.value} is not null)`.as('is_imputed'),
      lower: sql<number | null>`case when ${readings.value} is null then ${imputations.lower} end`.as('lower'),
      upper: sql<number | null>`case when ${readings.value} is null then ${imputations.upper} end`.as('upper'),
      modelVersion: imputations.modelVersion,
      runId: imputations.runId,
    })
    .from(readings)
    .leftJoin(
      imputations,
      sql`${imputations.sensorRef} = ${readings.sensorRef} and ${imputations.parameter} = ${readings.parameter} and ${imputations.ts} = ${readings.ts}`,
    ),
);
