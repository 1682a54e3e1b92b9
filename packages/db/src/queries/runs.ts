import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { DatabaseInputError } from '../errors';
import { claims, runs } from '../schema';

/** A row of the run ledger. */
export type Run = typeof runs.$inferSelect;

/** What starts a run. */
export interface OpenRunInput {
  trigger: string;
  parameter: string;
  windowStart?: Date | null;
  windowEnd?: Date | null;
  executionId?: string | null;
  /** Reuse this id (idempotent open: a retry of the same execution gets the same run). */
  runId?: string;
}

/** Opens a run in the ledger, or returns the existing one when `runId` is already there. */
export async function openRun(database: Database, input: OpenRunInput): Promise<Run> {
  const values = {
    trigger: input.trigger,
    parameter: input.parameter,
    windowStart: input.windowStart ?? null,
    windowEnd: input.windowEnd ?? null,
    executionId: input.executionId ?? null,
    ...(input.runId ? { runId: input.runId } : {}),
  };
  const inserted = await database.db.insert(runs).values(values).onConflictDoNothing().returning();
  if (inserted[0]) return inserted[0];
  return getRun(database, input.runId ?? '');
}

/** Reads one run; throws when it does not exist. */
export async function getRun(database: Database, runId: string): Promise<Run> {
  const [run] = await database.db.select().from(runs).where(eq(runs.runId, runId));
  if (!run) throw new DatabaseInputError(`run ${runId} does not exist`, { runId });
  return run;
}

/** Records counts and the model version while a run progresses. */
export async function recordRunProgress(
  database: Database,
  runId: string,
  progress: Partial<Pick<Run, 'found' | 'predicted' | 'written' | 'modelVersion'>>,
): Promise<void> {
  await database.db
    .update(runs)
    .set({ ...progress, updatedAt: sql`now()` })
    .where(eq(runs.runId, runId));
}

/** Marks a run succeeded and releases its claims. A second call changes nothing. */
export async function completeRun(
  database: Database,
  runId: string,
  counts: Partial<Pick<Run, 'found' | 'predicted' | 'written' | 'modelVersion'>> = {},
): Promise<void> {
  await database.db.transaction(async (tx) => {
    await tx
      .update(runs)
      .set({ ...counts, status: 'succeeded', finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(runs.runId, runId), eq(runs.status, 'running')));
    await tx.delete(claims).where(eq(claims.runId, runId));
  });
}

/**
 * Marks a run failed with its error and releases its claims, so the next run
 * picks its readings up. A run that already succeeded stays succeeded.
 */
export async function failRun(database: Database, runId: string, error: { name: string; message: string; [key: string]: unknown }): Promise<void> {
  await database.db.transaction(async (tx) => {
    await tx
      .update(runs)
      .set({ status: 'failed', error, finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(runs.runId, runId), sql`${runs.status} <> 'succeeded'`));
    await tx.delete(claims).where(eq(claims.runId, runId));
  });
}
