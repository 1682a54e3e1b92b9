import { completeRun, countRunImputations, getRun, recordRefusals, writeImputations, type Database } from '@airfill/db';
import { DEFAULT_DRIFT_RULE, recordLiveCheckOfRun, type DriftRule } from './live-check-ledger';
import { predictionRecordSchema, refusedRecordSchema, writePredictionsEventSchema, type WritePredictionsEvent, type WritePredictionsResult } from '@airfill/schema';
import { InputError } from './errors';
import type { Logger } from './logger';
import { assertRunOfExecution } from './run-state';
import { getText, parseJsonLines, type Bucket } from './s3-objects';

/** What write-predictions works with. */
export interface WritePredictionsDeps {
  database: Database;
  bucket: Bucket;
  logger: Logger;
}

/** How write-predictions is configured. */
export interface WritePredictionsSettings {
  /** When the live check raises the drift signal. @default {@link DEFAULT_DRIFT_RULE} */
  drift?: DriftRule;
}

/**
 * Stores `predicted_values_output/<run>/` of one parameter's run in
 * `imputations` (one set-based statement, one transaction; only readings of
 * that parameter still missing and not yet imputed),
 * records each prediction the callback refused by reading in the run ledger
 * (`run_refusals`; those readings stay missing for a later run), and closes
 * the run with its counts: one implausible prediction never blocks the
 * others. A retry stores nothing twice and reports the run's total, not the
 * zero the second write added. The run's live accuracy check, when it made
 * one, goes to the ledger (`live_checks`) with whether it raised the drift
 * signal, and out as per-parameter metrics (`LiveMae`, `LiveMaeRatio`,
 * `LiveCoverage`, `DriftSignal`) that the stacks alarm on.
 */
export async function writePredictions(deps: WritePredictionsDeps, rawEvent: WritePredictionsEvent, settings: WritePredictionsSettings = {}): Promise<WritePredictionsResult> {
  const event = writePredictionsEventSchema.parse(rawEvent);
  const { runId, transform, parameter } = event.run;
  assertRunOfExecution(event.executionId, parameter, runId, event.run.chunk);
  const logger = deps.logger.child({ runId, parameter, step: 'write-predictions' });
  const predictions = parseJsonLines(await getText(deps.bucket, transform.predictionsKey), predictionRecordSchema, transform.predictionsKey);
  if (predictions.length !== transform.predicted) {
    throw new InputError(`${transform.predictionsKey} holds ${predictions.length} predictions, the transform reported ${transform.predicted}`, { runId });
  }
  const foreign = predictions.find((row) => row.parameter !== parameter || row.modelVersion !== transform.modelVersion);
  if (foreign) {
    throw new InputError(`prediction for ${foreign.deviceId} ${foreign.ts} is ${foreign.parameter}/${foreign.modelVersion}, expected ${parameter}/${transform.modelVersion}`, { runId });
  }
  const refused = transform.refusedKey ? parseJsonLines(await getText(deps.bucket, transform.refusedKey), refusedRecordSchema, transform.refusedKey) : [];
  if (refused.length !== transform.refused) {
    throw new InputError(`${transform.refusedKey ?? 'the refused list'} holds ${refused.length} refused predictions, the transform reported ${transform.refused}`, { runId });
  }
  const run = await getRun(deps.database, runId);
  if (run.parameter !== parameter) throw new InputError(`run ${runId} fills ${run.parameter} in the ledger, not ${parameter}`, { runId });
  if (run.status === 'failed') throw new InputError(`run ${runId} is already failed; its readings are free for the next run`, { runId });

  const result = await writeImputations(deps.database, {
    runId,
    modelVersion: transform.modelVersion,
    imputations: predictions.map((row) => ({
      deviceId: row.deviceId,
      parameter: row.parameter,
      ts: new Date(row.ts),
      value: row.value,
      lower: row.lower,
      upper: row.upper,
    })),
  });
  await recordRefusals(
    deps.database,
    runId,
    refused.map((row) => ({ deviceId: row.deviceId, parameter: row.parameter, ts: new Date(row.ts), value: row.value, reason: row.reason })),
  );
  const live = transform.live ? await recordLiveCheckOfRun(deps.database, logger, { runId, parameter, modelVersion: transform.modelVersion, check: transform.live }, settings.drift ?? DEFAULT_DRIFT_RULE) : null;
  const written = await countRunImputations(deps.database, runId);
  await completeRun(deps.database, runId, { found: event.run.found, predicted: predictions.length, written, modelVersion: transform.modelVersion });
  logger.info('predictions written', { ...result, runTotal: written, refused: refused.length });
  logger.metrics({ ReadingsWritten: result.written, ReadingsAlreadyImputed: result.alreadyImputed, PredictionsRefused: refused.length });
  return {
    runId,
    found: event.run.found,
    predicted: predictions.length,
    written,
    alreadyImputed: result.alreadyImputed,
    notMissing: result.notMissing,
    unknownSensor: result.unknownSensor,
    refused: refused.length,
    live,
  };
}
