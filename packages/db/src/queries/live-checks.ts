import type { LiveCheck } from '@airfill/schema';
import type { Database } from '../connection';

/** What a run records: its check as the callback scored it, by run, parameter and model; `drift` is decided from the ledger by the caller. */
export type LiveCheckInput = LiveCheck & { runId: string; parameter: string; modelVersion: string };

/** A run's live accuracy check as the ledger keeps it (`live_checks`). */
export type LiveCheckRow = LiveCheckInput & { drift: boolean; checkedAt: Date };

interface LiveCheckDbRow {
  run_id: string;
  parameter: string;
  model_version: string;
  points: number;
  refused: number;
  in_sample: number;
  mae: number | null;
  linear_mae: number | null;
  coverage: number | null;
  nominal_coverage: number | null;
  holdout_mae: number | null;
  expected_mae: number | null;
  ratio: number | null;
  drift: boolean;
  checked_at: Date;
}

const toRow = (row: LiveCheckDbRow): LiveCheckRow => ({
  runId: row.run_id,
  parameter: row.parameter,
  modelVersion: row.model_version,
  points: row.points,
  refused: row.refused,
  inSample: row.in_sample,
  mae: row.mae,
  linearMae: row.linear_mae,
  coverage: row.coverage,
  nominalCoverage: row.nominal_coverage,
  holdoutMae: row.holdout_mae,
  expectedMae: row.expected_mae,
  ratio: row.ratio,
  drift: row.drift,
  checkedAt: row.checked_at,
});

/**
 * Records a run's live check once: a retry keeps the first record (and its
 * time, so the order of checks never changes). Returns the stored check.
 */
export async function recordLiveCheck(database: Database, check: LiveCheckInput): Promise<LiveCheckRow> {
  await database.pool.query(
    `insert into live_checks (run_id, parameter, model_version, points, refused, in_sample, mae, linear_mae, coverage, nominal_coverage, holdout_mae, expected_mae, ratio)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     on conflict (run_id) do nothing`,
    [
      check.runId,
      check.parameter,
      check.modelVersion,
      check.points,
      check.refused,
      check.inSample,
      check.mae,
      check.linearMae,
      check.coverage,
      check.nominalCoverage,
      check.holdoutMae,
      check.expectedMae,
      check.ratio,
    ],
  );
  const { rows } = await database.pool.query<LiveCheckDbRow>('select * from live_checks where run_id = $1', [check.runId]);
  return toRow(rows[0]!);
}

/** Marks whether a run's check raised the drift signal. */
export async function setLiveCheckDrift(database: Database, runId: string, drift: boolean): Promise<void> {
  await database.pool.query('update live_checks set drift = $2 where run_id = $1', [runId, drift]);
}

/**
 * The live checks of a parameter, newest first: all models' (`limit` of
 * them), or, with `modelVersion`, that model's only; with `throughRun`, only
 * that run's check and older ones (compared in the database: its times have
 * microseconds, a JavaScript Date has not).
 */
export async function listLiveChecks(
  database: Database,
  parameter: string,
  options: { limit: number; modelVersion?: string; throughRun?: string },
): Promise<LiveCheckRow[]> {
  const { rows } = await database.pool.query<LiveCheckDbRow>(
    `select * from live_checks
      where parameter = $1 and ($2::text is null or model_version = $2)
        and ($3::uuid is null or checked_at <= (select checked_at from live_checks where run_id = $3))
      order by checked_at desc, run_id desc
      limit $4`,
    [parameter, options.modelVersion ?? null, options.throughRun ?? null, options.limit],
  );
  return rows.map(toRow);
}

/** A parameter's live accuracy over its recent checks (what `airfill status --json` shows as `live`). */
export interface LiveSummary {
  /** The model the checks scored (the one filling the parameter now). */
  modelVersion: string;
  /** Checked runs summarised (newest `limit`). */
  runs: number;
  /** Hidden values scored over those runs. */
  points: number;
  /** Over all those points. */
  mae: number | null;
  linearMae: number | null;
  coverage: number | null;
  nominalCoverage: number | null;
  expectedMae: number | null;
  /** mae / expectedMae. */
  ratio: number | null;
  /** Points before the end of the model's training data (in-sample, optimistic). */
  inSample: number;
  /** Whether the newest check raised the drift signal. */
  drift: boolean;
  /** The checks, oldest first: the trend. */
  trend: { runId: string; at: string; points: number; mae: number | null; ratio: number | null; coverage: number | null; drift: boolean }[];
}

/** A points-weighted mean over checks (each check's figure stands for its points). */
function weighted(checks: readonly LiveCheckRow[], figure: (check: LiveCheckRow) => number | null): number | null {
  let sum = 0;
  let weight = 0;
  for (const check of checks) {
    const value = figure(check);
    if (value === null || check.points === 0) continue;
    sum += value * check.points;
    weight += check.points;
  }
  return weight ? sum / weight : null;
}

/**
 * The live accuracy of the model now filling `parameter`, over its newest
 * `limit` checks (null when it has none): figures weighted by each check's
 * points, the newest check's drift signal, and the checks as a trend.
 */
export async function summariseLiveChecks(database: Database, parameter: string, modelVersion: string, limit = 10): Promise<LiveSummary | null> {
  const checks = await listLiveChecks(database, parameter, { limit, modelVersion });
  if (checks.length === 0) return null;
  const mae = weighted(checks, (check) => check.mae);
  const expectedMae = weighted(checks, (check) => check.expectedMae);
  return {
    modelVersion,
    runs: checks.length,
    points: checks.reduce((sum, check) => sum + check.points, 0),
    mae,
    linearMae: weighted(checks, (check) => check.linearMae),
    coverage: weighted(checks, (check) => check.coverage),
    nominalCoverage: checks[0]!.nominalCoverage,
    expectedMae,
    ratio: mae !== null && expectedMae ? mae / expectedMae : null,
    inSample: checks.reduce((sum, check) => sum + check.inSample, 0),
    drift: checks[0]!.drift,
    trend: [...checks].reverse().map((check) => ({
      runId: check.runId,
      at: check.checkedAt.toISOString(),
      points: check.points,
      mae: check.mae,
      ratio: check.ratio,
      coverage: check.coverage,
      drift: check.drift,
    })),
  };
}
