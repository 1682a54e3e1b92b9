import { boolean, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
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

/**
 * The live accuracy check of a run (issue 15): the serving model's errors on
 * observed values the run hid from it and predicted (never written), beside
 * linear interpolation on the same values and the model's holdout figures;
 * `drift` says whether this run completed the rule's streak of bad checks.
 * One row per run, written once (a retried write changes nothing).
 */
export const liveChecks = pgTable(
  'live_checks',
  {
    runId: uuid('run_id')
      .primaryKey()
      .references(() => runs.runId, { onDelete: 'cascade' }),
    parameter: text('parameter').notNull(),
    modelVersion: text('model_version').notNull(),
    points: integer('points').notNull(),
    refused: integer('refused').notNull(),
    /** Points before the end of the model's training data (in-sample, so optimistic). */
    inSample: integer('in_sample').notNull(),
    mae: doublePrecision('mae'),
    linearMae: doublePrecision('linear_mae'),
    coverage: doublePrecision('coverage'),
    nominalCoverage: doublePrecision('nominal_coverage'),
    holdoutMae: doublePrecision('holdout_mae'),
    expectedMae: doublePrecision('expected_mae'),
    /** Live MAE / expected MAE. */
    ratio: doublePrecision('ratio'),
    drift: boolean('drift').notNull().default(false),
    checkedAt: instant('checked_at').notNull().defaultNow(),
  },
  (t) => [index('live_checks_parameter_idx').on(t.parameter, t.checkedAt)],
);
