import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { DatabaseInputError } from '../errors';
import { modelPromotions, models } from '../schema';

/** A row of the model registry. */
export type RegisteredModel = typeof models.$inferSelect;

/** What registering a trained model records. */
export interface RegisterModelInput {
  version: string;
  parameter: string;
  /** Where the model directory (model.json, contract.json, metrics.json) lives: a path or an s3:// URI. */
  artifactUri: string;
  featureContract: unknown;
  metrics: unknown;
}

/** Registers a model as a candidate; registering the same version again changes nothing and returns the stored row. */
export async function registerModel(database: Database, input: RegisterModelInput): Promise<RegisteredModel> {
  const [inserted] = await database.db
    .insert(models)
    .values({ ...input, status: 'candidate' })
    .onConflictDoNothing()
    .returning();
  return inserted ?? getModel(database, input.version);
}

/** One registered model; throws when the version is unknown. */
export async function getModel(database: Database, version: string): Promise<RegisteredModel> {
  const [row] = await database.db.select().from(models).where(eq(models.version, version));
  if (!row) throw new DatabaseInputError(`model ${version} is not registered`, { version });
  return row;
}

/** The current model for a parameter, if any has been promoted. */
export async function getCurrentModel(database: Database, parameter: string): Promise<RegisteredModel | undefined> {
  const [row] = await database.db
    .select()
    .from(models)
    .where(and(eq(models.parameter, parameter), eq(models.status, 'current')));
  return row;
}

/** Registered models, newest first, optionally for one parameter. */
export async function listModels(database: Database, parameter?: string): Promise<RegisteredModel[]> {
  const query = database.db.select().from(models);
  return (parameter ? query.where(eq(models.parameter, parameter)) : query).orderBy(desc(models.createdAt));
}

/** How a model becomes current, recorded in `model_promotions`. */
export interface PromotionChange {
  /** `gate`: the evaluation gate promoted it; `promote`: a person did. */
  action: 'gate' | 'promote';
  reason: string;
  /** Promoted although the gate refused it. */
  forced?: boolean;
  /** Who: a command, a Lambda, a user name. */
  actor: string;
}

/** A row of the promotion ledger. */
export type ModelPromotion = typeof modelPromotions.$inferSelect;

type Transaction = Parameters<Parameters<Database['db']['transaction']>[0]>[0];

async function lockModel(tx: Transaction, version: string): Promise<RegisteredModel> {
  const [model] = await tx.select().from(models).where(eq(models.version, version)).for('update');
  if (!model) throw new DatabaseInputError(`model ${version} is not registered`, { version });
  return model;
}

/** Retires the parameter's current model and makes `version` current; returns the retired version. */
async function swapCurrent(tx: Transaction, parameter: string, version: string): Promise<{ promoted: RegisteredModel; previous: string | null }> {
  const [previous] = await tx
    .update(models)
    .set({ status: 'retired' })
    .where(and(eq(models.parameter, parameter), eq(models.status, 'current')))
    .returning({ version: models.version });
  const [promoted] = await tx
    .update(models)
    .set({ status: 'current', promotedAt: sql`now()` })
    .where(eq(models.version, version))
    .returning();
  return { promoted: promoted as RegisteredModel, previous: previous?.version ?? null };
}

/**
 * Makes a registered model the current one for its parameter, retiring the
 * previous current model in the same transaction (the partial unique index
 * allows only one current model per parameter), and records the change in
 * `model_promotions`. Promoting the current model again changes nothing.
 */
export async function promoteModel(
  database: Database,
  version: string,
  change: PromotionChange = { action: 'gate', reason: 'the evaluation gate promoted it', actor: 'airfill' },
): Promise<RegisteredModel> {
  return database.db.transaction(async (tx) => {
    const model = await lockModel(tx, version);
    if (model.status === 'current') return model;
    const { promoted, previous } = await swapCurrent(tx, model.parameter, version);
    await tx.insert(modelPromotions).values({
      parameter: model.parameter,
      version,
      previousVersion: previous,
      action: change.action,
      forced: change.forced ?? false,
      reason: change.reason,
      actor: change.actor,
    });
    return promoted;
  });
}

/** A rollback that expected another current model than the parameter has (see `RollbackChange.expectedCurrent`). */
export class CurrentModelMovedError extends DatabaseInputError {}

/** Why and by whom a rollback is made. */
export interface RollbackChange {
  reason: string;
  actor: string;
  /** Roll back only if this version is current (checked under the lock); otherwise throw `CurrentModelMovedError`. @default any */
  expectedCurrent?: string;
}

type Reader = Transaction | Database['db'];

/** The latest ledger entry that made `version` current, if any. */
async function latestPromotionOf(reader: Reader, version: string): Promise<ModelPromotion | undefined> {
  const [entry] = await reader.select().from(modelPromotions).where(eq(modelPromotions.version, version)).orderBy(desc(modelPromotions.id)).limit(1);
  return entry;
}

/**
 * The model a rollback from `currentVersion` returns to: the previous link
 * of the promotion that made it current; for a model promoted before the
 * ledger existed, the latest retired one. Null when there is none.
 */
export async function rollbackTargetOf(reader: Reader, parameter: string, currentVersion: string): Promise<string | null> {
  const promotion = await latestPromotionOf(reader, currentVersion);
  if (promotion) return promotion.previousVersion;
  const [retired] = await reader
    .select({ version: models.version })
    .from(models)
    .where(and(eq(models.parameter, parameter), eq(models.status, 'retired')))
    .orderBy(desc(models.promotedAt))
    .limit(1);
  return retired?.version ?? null;
}

/** What a rollback changed. */
export interface Rollback {
  parameter: string;
  /** The model that was current. */
  from: string;
  /** The model that is current now. */
  to: string;
}

/**
 * Makes the model that was current before the current one current again
 * (the previous link of the promotion that made the current model current;
 * for models promoted before the ledger existed, the latest retired one).
 * The rollback inherits the previous link of the promotion it returns to, so
 * a second rollback goes one further back. Throws a `DatabaseInputError`
 * when the parameter has no current model or nothing to go back to.
 */
export async function rollbackModel(database: Database, parameter: string, change: RollbackChange): Promise<Rollback> {
  return database.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(models)
      .where(and(eq(models.parameter, parameter), eq(models.status, 'current')))
      .for('update');
    if (!current) throw new DatabaseInputError(`${parameter} has no current model to roll back`, { parameter });
    if (change.expectedCurrent !== undefined && current.version !== change.expectedCurrent) {
      throw new CurrentModelMovedError(`${parameter}'s current model is ${current.version}, not ${change.expectedCurrent}`, { parameter, current: current.version, expected: change.expectedCurrent });
    }
    const target = await rollbackTargetOf(tx, parameter, current.version);
    if (target === null) throw new DatabaseInputError(`${parameter} has no earlier model to roll back to (current: ${current.version})`, { parameter, current: current.version });
    await lockModel(tx, target);
    await swapCurrent(tx, parameter, target);
    await tx.insert(modelPromotions).values({
      parameter,
      version: target,
      previousVersion: (await latestPromotionOf(tx, target))?.previousVersion ?? null,
      action: 'rollback',
      reason: change.reason,
      actor: change.actor,
    });
    return { parameter, from: current.version, to: target };
  });
}

/** The promotion ledger, newest first, optionally for one parameter. */
export async function listPromotions(database: Database, parameter?: string): Promise<ModelPromotion[]> {
  const query = database.db.select().from(modelPromotions);
  return (parameter ? query.where(eq(modelPromotions.parameter, parameter)) : query).orderBy(desc(modelPromotions.id));
}
