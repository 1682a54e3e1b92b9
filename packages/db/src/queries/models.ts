import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { DatabaseInputError } from '../errors';
import { models } from '../schema';

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

/**
 * Makes a registered model the current one for its parameter, retiring the
 * previous current model in the same transaction (the partial unique index
 * allows only one current model per parameter).
 */
export async function promoteModel(database: Database, version: string): Promise<RegisteredModel> {
  return database.db.transaction(async (tx) => {
    const [model] = await tx.select().from(models).where(eq(models.version, version)).for('update');
    if (!model) throw new DatabaseInputError(`model ${version} is not registered`, { version });
    if (model.status === 'current') return model;
    await tx
      .update(models)
      .set({ status: 'retired' })
      .where(and(eq(models.parameter, model.parameter), eq(models.status, 'current')));
    const [promoted] = await tx
      .update(models)
      .set({ status: 'current', promotedAt: sql`now()` })
      .where(eq(models.version, version))
      .returning();
    return promoted as RegisteredModel;
  });
}
