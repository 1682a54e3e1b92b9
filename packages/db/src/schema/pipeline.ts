import { doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns';

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
    /** Predictions refused as implausible (each one in `run_refusals`); their readings stay missing. */
    refused: integer('refused').notNull().default(0),
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
 * per 100,000).
 *
 * No declared foreign key to `runs` either, for the same reason: its per-row
 * trigger cost 1.1 s of PostgreSQL CPU per 100,000 rows, more than the
 * insert itself (bench/writeback). Provenance still points at a real run:
 * the writer checks its run once per statement and holds it (`FOR KEY
 * SHARE`, what the per-row check took), and a trigger on `runs` (migration
 * 0007) refuses to delete or re-key a run that imputations name.
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
    runId: uuid('run_id').notNull(),
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

/**
 * Predictions a run refused (not finite, or outside the parameter's
 * plausible range), by reading: one bad sensor never blocks the others, and
 * the refused readings stay missing for a later run.
 */
export const runRefusals = pgTable(
  'run_refusals',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => runs.runId, { onDelete: 'cascade' }),
    sensorRef: integer('sensor_ref').notNull(),
    parameter: text('parameter').notNull(),
    ts: instant('ts').notNull(),
    /** The refused value; NULL when it was not a number. */
    value: doublePrecision('value'),
    reason: text('reason').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.sensorRef, t.parameter, t.ts] })],
);
