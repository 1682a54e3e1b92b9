import { listLiveChecks, recordLiveCheck, setLiveCheckDrift, type Database } from '@airfill/db';
import type { LiveCheck } from '@airfill/schema';
import { driftRaised, type DriftRule } from './live-check';
import type { Logger } from './logger';

export { DEFAULT_DRIFT_RULE, type DriftRule } from './live-check';

/** A run's live check, as the callback scored it. */
export interface RunLiveCheck {
  runId: string;
  parameter: string;
  modelVersion: string;
  check: LiveCheck;
}

/**
 * Records a run's live check in the ledger and decides the drift signal
 * from it and the model's earlier checks ({@link driftRaised}); logs and
 * emits the per-parameter metrics the stacks alarm on (`DriftSignal` is
 * 0 or 1 on every checked run, so the alarm clears when a run checks well).
 * A retry records nothing twice and decides the same.
 */
export async function recordLiveCheckOfRun(database: Database, logger: Logger, run: RunLiveCheck, rule: DriftRule): Promise<LiveCheck & { drift: boolean }> {
  const stored = await recordLiveCheck(database, { runId: run.runId, parameter: run.parameter, modelVersion: run.modelVersion, ...run.check });
  const recent = await listLiveChecks(database, run.parameter, { limit: rule.runs, modelVersion: run.modelVersion, throughRun: run.runId });
  const drift = driftRaised(
    recent.map((row) => row.ratio),
    rule,
  );
  if (drift !== stored.drift) await setLiveCheckDrift(database, run.runId, drift);
  const { check } = run;
  const figures = { points: check.points, mae: check.mae, expectedMae: check.expectedMae, ratio: check.ratio, coverage: check.coverage, inSample: check.inSample };
  if (drift) {
    logger.warn(`drift: live MAE at least ${rule.factor}x the expected for ${rule.runs} runs of this model; retrain it`, { ...figures, modelVersion: run.modelVersion });
  } else logger.info('live accuracy checked', figures);
  logger.metrics({
    LivePoints: check.points,
    ...(check.mae === null ? {} : { LiveMae: { value: check.mae, unit: 'None' } }),
    ...(check.ratio === null ? {} : { LiveMaeRatio: { value: check.ratio, unit: 'None' } }),
    ...(check.coverage === null ? {} : { LiveCoverage: { value: check.coverage, unit: 'None' } }),
    DriftSignal: drift ? 1 : 0,
  });
  return { ...check, drift };
}
