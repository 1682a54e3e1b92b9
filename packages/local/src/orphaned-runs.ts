import { failRun, type Database } from '@airfill/db';
import { recordFailure, runIdFor, runStep, type Logger, type RecordFailureDeps } from '@airfill/pipeline';

/** The error an orphaned run is closed with. */
export const ORPHANED_RUN_ERROR = 'LocalProcessEnded';

/**
 * Closes runs an earlier local process left open: a Ctrl-C in a terminal
 * reaches embedded PostgreSQL too, which shuts down before the run can be
 * recorded failed, so the run stays `running` and its readings claimed
 * (for hours, until the claims expire). Only safe when this process owns
 * the database alone, as it does an embedded cluster (its lock file keeps
 * a second process out). Each run goes through the real record-failure
 * step (claims released, job stopped, token deleted). Returns the run ids.
 */
export async function closeOrphanedRuns(
  database: Database,
  deps: Omit<RecordFailureDeps, 'database' | 'logger'> & { logger: Logger },
  settings: { jobPrefix: string },
): Promise<string[]> {
  const { rows } = await database.pool.query<{ run_id: string; execution_id: string | null; parameter: string }>(
    `select run_id::text as run_id, execution_id, parameter from runs where status = 'running' order by started_at`,
  );
  const cause = 'the airfill process running this run ended before the run did (interrupted); its readings are free for the next run';
  for (const row of rows) {
    // A run of an execution's first chunk, with the id the steps derive: the real step cleans up. Other chunks' runs (and runs of older
    // versions, named otherwise) are closed in the ledger alone: the jobs and tokens of a local process end with it.
    if (row.execution_id && runIdFor(row.execution_id, row.parameter) === row.run_id) {
      const executionId = row.execution_id;
      await runStep(deps.logger, 'record-failure', () =>
        recordFailure({ ...deps, database }, settings, { executionId, parameter: row.parameter, error: { Error: ORPHANED_RUN_ERROR, Cause: cause } }),
      );
    } else {
      await failRun(database, row.run_id, { name: ORPHANED_RUN_ERROR, message: cause });
    }
  }
  return rows.map((row) => row.run_id);
}
