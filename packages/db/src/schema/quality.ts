import { bigserial, index, integer, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns';

export const alertKind = pgEnum('alert_kind', ['dead', 'stuck', 'drift']);

/**
 * Alerts of quality control: one row per channel (sensor, parameter) and
 * episode of a kind (silent, stuck, drifting), however many readings and
 * runs the episode spans. `started_at`/`ended_at` are the episode as far as
 * it has been seen; a later run that sees it go on moves `ended_at` and
 * raises nothing. The run that raised it is kept.
 */
export const qualityAlerts = pgTable(
  'quality_alerts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sensorRef: integer('sensor_ref').notNull(),
    parameter: text('parameter').notNull(),
    kind: alertKind('kind').notNull(),
    startedAt: instant('started_at').notNull(),
    endedAt: instant('ended_at').notNull(),
    detail: text('detail').notNull(),
    raisedRunId: uuid('raised_run_id').notNull(),
    raisedAt: instant('raised_at').notNull().defaultNow(),
    /** The last run that saw the episode (raised or extended it). */
    seenRunId: uuid('seen_run_id').notNull(),
    seenAt: instant('seen_at').notNull().defaultNow(),
  },
  (t) => [index('quality_alerts_channel_idx').on(t.sensorRef, t.parameter, t.kind, t.endedAt), index('quality_alerts_raised_run_idx').on(t.raisedRunId)],
);

/**
 * The ledger of the `quality-check` step: one row per run, the window it
 * flagged and the history it read, what it found. The latest finished
 * window's end is where the next run without a window starts (less a
 * re-check margin for readings that arrive late).
 */
export const qualityChecks = pgTable('quality_checks', {
  runId: uuid('run_id').primaryKey(),
  windowFrom: instant('window_from').notNull(),
  windowTo: instant('window_to').notNull(),
  /** The readings read around the window (the drift baseline before it, context after it). */
  readFrom: instant('read_from').notNull(),
  readTo: instant('read_to').notNull(),
  readings: integer('readings').notNull().default(0),
  /** New flags this run stored, by severity (flags already stored, or cleared, are not counted again). */
  invalid: integer('invalid').notNull().default(0),
  suspect: integer('suspect').notNull().default(0),
  /** Trusted values this run turned into missing (an invalid flag): the fill fills them. */
  nulled: integer('nulled').notNull().default(0),
  alertsRaised: integer('alerts_raised').notNull().default(0),
  startedAt: instant('started_at').notNull().defaultNow(),
  finishedAt: instant('finished_at'),
});
