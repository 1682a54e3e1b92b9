import { desc, eq } from 'drizzle-orm';
import type { Database } from '../connection';
import { DatabaseInputError } from '../errors';
import { modelPromotions } from '../schema';
import { CurrentModelMovedError, getCurrentModel, getModel, promoteModel, rollbackModel, rollbackTargetOf, type RegisteredModel } from './models';

/**
 * The decisions of a change of current model, shared by `airfill models
 * promote|rollback` and the cloud's promote-model Lambda: a model the gate
 * refused is promoted only when forced; promoting the current model or
 * repeating a rollback changes nothing; what changed is read back from the
 * ledger, so a caller that keeps something else in step (the SSM pointer,
 * the packages' approval) can repeat that part after a crash.
 */

/** What the evaluation gate decided about a model, as its metrics record it (`airfill train` and the training workflow both do). */
export interface GateVerdict {
  promote: boolean;
  reason: string;
}

/** The gate's verdict in a model's metrics, if it has one (models registered before the gate have none). */
export function gateOf(model: Pick<RegisteredModel, 'metrics'>): GateVerdict | undefined {
  const gate = (model.metrics as { gate?: { promote?: unknown; reason?: unknown } } | null)?.gate;
  return typeof gate?.promote === 'boolean' ? { promote: gate.promote, reason: String(gate.reason ?? '') } : undefined;
}

/** The model package a registered model has in the SageMaker Model Registry (the training workflow records it with the metrics), if any. */
export function modelPackageArnOf(model: Pick<RegisteredModel, 'metrics'>): string | undefined {
  const arn = (model.metrics as { registry?: { modelPackageArn?: unknown } } | null)?.registry?.modelPackageArn;
  return typeof arn === 'string' && arn.length > 0 ? arn : undefined;
}

/** A promotion refused: the evaluation gate refused the model and the promotion was not forced. */
export class PromotionRefusedError extends DatabaseInputError {}

/** A parameter's current model and the ledger entry that made it current. */
export interface CurrentModelChange {
  parameter: string;
  /** The model current now. */
  model: RegisteredModel;
  /** The model the change replaced (for a rollback, the one it left); null when none was current. */
  replaced: string | null;
  action: 'gate' | 'promote' | 'rollback';
  reason: string;
  forced: boolean;
  at: Date;
  /** False when the request found the change already made. */
  changed: boolean;
}

/**
 * The parameter's current model and the ledger entry that made it current:
 * the parameter's latest entry, and the one before it made the model it
 * replaced current. A model made current before the ledger existed has no
 * entry, and what it replaced is unknown (null).
 */
async function currentChange(database: Database, parameter: string, changed: boolean): Promise<CurrentModelChange> {
  const model = await getCurrentModel(database, parameter);
  if (!model) throw new DatabaseInputError(`${parameter} has no current model`, { parameter });
  const [latest, before] = await database.db.select().from(modelPromotions).where(eq(modelPromotions.parameter, parameter)).orderBy(desc(modelPromotions.id)).limit(2);
  const entry = latest?.version === model.version ? latest : undefined;
  return {
    parameter,
    model,
    replaced: entry ? (before?.version ?? entry.previousVersion) : null,
    action: entry?.action ?? 'gate',
    reason: entry?.reason ?? 'current before the promotion ledger existed',
    forced: entry?.forced ?? false,
    at: entry?.createdAt ?? model.promotedAt ?? model.createdAt,
    changed,
  };
}

/** How a person promotes a model. */
export interface PromotionRequest {
  reason: string;
  /** Promote a model the gate refused (recorded as forced). */
  force?: boolean;
  actor: string;
  /** Refuses a model this caller cannot serve (throw), before anything changes: a local artefact that is gone, a model without a package. */
  usable?: (model: RegisteredModel) => void;
}

/**
 * Makes a registered model its parameter's current model on a person's
 * word (ledger action `promote`). A model the gate refused needs `force`
 * (else `PromotionRefusedError`, nothing changed) and is recorded as forced;
 * the current model asked again changes nothing (`changed: false`).
 */
export async function promoteOnRequest(database: Database, version: string, request: PromotionRequest): Promise<CurrentModelChange> {
  const reason = request.reason.trim();
  if (!reason) throw new DatabaseInputError('a promotion must say why (a reason)', { version });
  const model = await getModel(database, version);
  const gate = gateOf(model);
  const refused = gate !== undefined && !gate.promote;
  if (refused && !request.force) {
    throw new PromotionRefusedError(`the evaluation gate refused ${version} (${gate.reason}); force the promotion to use it anyway`, { version, gate: gate.reason });
  }
  request.usable?.(model);
  if (model.status === 'current') return currentChange(database, model.parameter, false);
  await promoteModel(database, version, { action: 'promote', reason, forced: refused, actor: request.actor });
  return currentChange(database, model.parameter, true);
}

/** How a person rolls a parameter's model back. */
export interface RollbackRequest {
  reason: string;
  actor: string;
  /** The version the caller expects current and leaves: a repeat that finds this rollback done changes nothing. @default none: one step back from whatever is current */
  from?: string;
  /** Refuses a target this caller cannot serve (throw), before anything changes. */
  usable?: (model: RegisteredModel) => void;
}

/** The model a rollback of the parameter would return to, without changing anything (see `rollbackModel`). */
async function rollbackTarget(database: Database, parameter: string): Promise<RegisteredModel | undefined> {
  const current = await getCurrentModel(database, parameter);
  const target = current ? await rollbackTargetOf(database.db, parameter, current.version) : null;
  return target === null ? undefined : getModel(database, target);
}

/** Whether the parameter's latest ledger entry is a rollback that left `from`. */
async function rolledBackFrom(database: Database, parameter: string, from: string): Promise<boolean> {
  const [latest, before] = await database.db.select().from(modelPromotions).where(eq(modelPromotions.parameter, parameter)).orderBy(desc(modelPromotions.id)).limit(2);
  return latest?.action === 'rollback' && before?.version === from;
}

/**
 * Makes the model current before the current one current again (one step
 * back per call, ledger action `rollback`). With `from`, only when `from` is
 * current; a repeat that finds that rollback made changes nothing
 * (`changed: false`), and any other current model is a
 * `CurrentModelMovedError`.
 */
export async function rollbackOnRequest(database: Database, parameter: string, request: RollbackRequest): Promise<CurrentModelChange> {
  if (request.from !== undefined) {
    const current = await getCurrentModel(database, parameter);
    if (current && current.version !== request.from && (await rolledBackFrom(database, parameter, request.from))) return currentChange(database, parameter, false);
  }
  const target = await rollbackTarget(database, parameter);
  if (target) request.usable?.(target);
  try {
    await rollbackModel(database, parameter, { reason: request.reason, actor: request.actor, ...(request.from !== undefined ? { expectedCurrent: request.from } : {}) });
  } catch (error) {
    // Another call made the same rollback between the check above and the lock.
    if (error instanceof CurrentModelMovedError && request.from !== undefined && (await rolledBackFrom(database, parameter, request.from))) return currentChange(database, parameter, false);
    throw error;
  }
  return currentChange(database, parameter, true);
}
