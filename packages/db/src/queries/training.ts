import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../connection';
import { DatabaseInputError } from '../errors';
import { trainingRuns } from '../schema';

/** A row of the training run ledger. */
export type TrainingRun = typeof trainingRuns.$inferSelect;

/** Opens a training run, or returns the one already open under this id (a retried export). */
export async function openTrainingRun(
  database: Database,
  input: { runId: string; executionId: string; parameter: string; trigger: string },
): Promise<TrainingRun> {
  const [inserted] = await database.db.insert(trainingRuns).values(input).onConflictDoNothing().returning();
  return inserted ?? getTrainingRun(database, input.runId);
}

/** One training run; throws when it does not exist. */
export async function getTrainingRun(database: Database, runId: string): Promise<TrainingRun> {
  const [run] = await database.db.select().from(trainingRuns).where(eq(trainingRuns.runId, runId));
  if (!run) throw new DatabaseInputError(`training run ${runId} does not exist`, { runId });
  return run;
}

/** Closes a training run with the model it registered and what the gate decided. A second call changes nothing. */
export async function completeTrainingRun(database: Database, runId: string, outcome: { modelVersion: string; decision: 'promoted' | 'rejected' }): Promise<void> {
  await database.db
    .update(trainingRuns)
    .set({ ...outcome, status: 'succeeded', finishedAt: sql`now()` })
    .where(and(eq(trainingRuns.runId, runId), eq(trainingRuns.status, 'running')));
}

/** Marks a training run failed with its error; a run that already succeeded stays succeeded. */
export async function failTrainingRun(database: Database, runId: string, error: { name: string; message: string; [key: string]: unknown }): Promise<void> {
  await database.db
    .update(trainingRuns)
    .set({ status: 'failed', error, finishedAt: sql`now()` })
    .where(and(eq(trainingRuns.runId, runId), sql`${trainingRuns.status} <> 'succeeded'`));
}

/** Training runs, newest first, optionally for one parameter. */
export async function listTrainingRuns(database: Database, parameter?: string): Promise<TrainingRun[]> {
  const query = database.db.select().from(trainingRuns);
  return (parameter ? query.where(eq(trainingRuns.parameter, parameter)) : query).orderBy(desc(trainingRuns.startedAt));
}

/** Where a sensor stands. */
export interface TrainingSite {
  deviceId: string;
  latitude: number;
  longitude: number;
}

/** A reading of any parameter, time in epoch ms, value null when missing (or invalid). */
export interface TrainingObservation {
  deviceId: string;
  parameter: string;
  ts: number;
  value: number | null;
}

/**
 * Everything a training reads: every sensor's site, and every reading of
 * every parameter in `[from, to)` (missing ones too, value null: the masks
 * copy where the data is really missing), ordered by time, sensor and
 * parameter so the same data always gives the same order. Imputed values are
 * never read: a model learns from observations only.
 */
export async function readTrainingData(
  database: Database,
  window: { from: Date | null; to: Date | null },
): Promise<{ sites: TrainingSite[]; observations: TrainingObservation[]; parameters: string[] }> {
  const sites = await database.pool.query<{ device_id: string; latitude: number; longitude: number }>(
    'select device_id, latitude, longitude from sensors order by device_id',
  );
  const observations = await database.pool.query<{ device_id: string; parameter: string; ts: string; value: number | null }>(
    `select s.device_id, r.parameter, (extract(epoch from r.ts) * 1000)::bigint as ts, r.value
       from readings r join sensors s on s.id = r.sensor_ref
      where ($1::timestamptz is null or r.ts >= $1) and ($2::timestamptz is null or r.ts < $2)
      order by r.ts, s.device_id, r.parameter`,
    [window.from, window.to],
  );
  const parameters = new Set<string>();
  const rows = observations.rows.map((row) => {
    parameters.add(row.parameter);
    return { deviceId: row.device_id, parameter: row.parameter, ts: Number(row.ts), value: row.value };
  });
  return {
    sites: sites.rows.map((row) => ({ deviceId: row.device_id, latitude: row.latitude, longitude: row.longitude })),
    observations: rows,
    parameters: [...parameters].sort(),
  };
}
