import { boolean, index, jsonb, pgEnum, pgTable, serial, text, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns';
import { runStatus } from './pipeline';

/** What a finished training run decided about its candidate. */
export const trainingDecision = pgEnum('training_decision', ['promoted', 'rejected']);

/**
 * The ledger of training workflow executions (`airfill retrain`, the weekly
 * schedule): one row per execution, opened by the export step, closed by
 * registration (with the model it registered and the gate's decision) or by
 * the failure recorder (with the error).
 */
export const trainingRuns = pgTable(
  'training_runs',
  {
    runId: uuid('run_id').primaryKey(),
    executionId: text('execution_id').notNull(),
    parameter: text('parameter').notNull(),
    trigger: text('trigger').notNull(),
    status: runStatus('status').notNull().default('running'),
    modelVersion: text('model_version'),
    decision: trainingDecision('decision'),
    error: jsonb('error'),
    startedAt: instant('started_at').notNull().defaultNow(),
    finishedAt: instant('finished_at'),
  },
  (t) => [index('training_runs_parameter_idx').on(t.parameter, t.startedAt)],
);

/** How a model became current. */
export const promotionAction = pgEnum('promotion_action', ['gate', 'promote', 'rollback']);

/**
 * Every change of a parameter's current model, with who, why and what it
 * replaced: the gate promoting a candidate, a person promoting one (`--force`
 * when the gate had refused it), or a rollback. A rollback carries the
 * `previous_version` of the promotion it returns to, so rolling back again
 * walks further back rather than back and forth.
 */
export const modelPromotions = pgTable(
  'model_promotions',
  {
    id: serial('id').primaryKey(),
    parameter: text('parameter').notNull(),
    version: text('version').notNull(),
    previousVersion: text('previous_version'),
    action: promotionAction('action').notNull(),
    forced: boolean('forced').notNull().default(false),
    reason: text('reason').notNull(),
    actor: text('actor').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [index('model_promotions_parameter_idx').on(t.parameter, t.id)],
);
