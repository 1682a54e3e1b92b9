import type { Database } from '@airfill/db';
import { NotFoundError } from '../errors';

/** A run of the pipeline as the API shows it. */
export interface RunSummary {
  runId: string;
  trigger: string;
  parameter: string;
  status: 'running' | 'succeeded' | 'failed';
  windowStart: string | null;
  windowEnd: string | null;
  /** Missing readings the run claimed, predictions made, values written. */
  found: number;
  predicted: number;
  written: number;
  modelVersion: string | null;
  executionId: string | null;
  /** Why it failed: `{ name, message, ... }`; null unless failed. */
  error: unknown;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

/** A run and what it filled, per sensor. */
export interface RunDetail extends RunSummary {
  /** Values this run filled per sensor, with their time span. */
  sensors: { deviceId: string; imputed: number; from: string; to: string }[];
}

type RunRow = {
  run_id: string;
  trigger: string;
  parameter: string;
  status: RunSummary['status'];
  window_start: Date | null;
  window_end: Date | null;
  found: number;
  predicted: number;
  written: number;
  model_version: string | null;
  execution_id: string | null;
  error: unknown;
  started_at: Date;
  finished_at: Date | null;
};

const RUN_COLUMNS = `run_id, trigger, parameter, status, window_start, window_end, found, predicted, written, model_version, execution_id, error, started_at, finished_at`;

const toRun = (row: RunRow): RunSummary => ({
  runId: row.run_id,
  trigger: row.trigger,
  parameter: row.parameter,
  status: row.status,
  windowStart: row.window_start?.toISOString() ?? null,
  windowEnd: row.window_end?.toISOString() ?? null,
  found: row.found,
  predicted: row.predicted,
  written: row.written,
  modelVersion: row.model_version,
  executionId: row.execution_id,
  error: row.error ?? null,
  startedAt: row.started_at.toISOString(),
  finishedAt: row.finished_at?.toISOString() ?? null,
  durationMs: row.finished_at ? row.finished_at.getTime() - row.started_at.getTime() : null,
});

/** Which runs, newest first. */
export interface RunListQuery {
  limit: number;
  /** Runs that started before this instant (keyset paging). */
  before?: Date | undefined;
  status?: RunSummary['status'] | undefined;
  parameter?: string | undefined;
}

/** Runs newest first; one more than `limit` is read to say whether there is a next page. */
export async function listRuns(database: Database, query: RunListQuery): Promise<{ runs: RunSummary[]; nextBefore: string | null }> {
  const { rows } = await database.pool.query<RunRow>(
    `select ${RUN_COLUMNS} from runs
      where ($1::timestamptz is null or started_at < $1) and ($2::run_status is null or status = $2) and ($3::text is null or parameter = $3)
      order by started_at desc, run_id
      limit $4`,
    [query.before ?? null, query.status ?? null, query.parameter ?? null, query.limit + 1],
  );
  const runs = rows.slice(0, query.limit).map(toRun);
  return { runs, nextBefore: rows.length > query.limit ? (runs[runs.length - 1]?.startedAt ?? null) : null };
}

/** One run with its imputations per sensor (the imputations' run index); NotFoundError when unknown. */
export async function getRunDetail(database: Database, runId: string): Promise<RunDetail> {
  const { rows } = await database.pool.query<RunRow>(`select ${RUN_COLUMNS} from runs where run_id = $1`, [runId]);
  const row = rows[0];
  if (!row) throw new NotFoundError(`run ${runId} does not exist`, { runId });
  const sensors = await database.pool.query<{ device_id: string; imputed: number; first: Date; last: Date }>(
    `select s.device_id, count(*)::int as imputed, min(i.ts) as first, max(i.ts) as last
       from imputations i join sensors s on s.id = i.sensor_ref
      where i.run_id = $1
      group by s.device_id order by s.device_id`,
    [runId],
  );
  return {
    ...toRun(row),
    sensors: sensors.rows.map((s) => ({ deviceId: s.device_id, imputed: s.imputed, from: s.first.toISOString(), to: s.last.toISOString() })),
  };
}
