import { z } from 'zod';
import { claimsHeldElsewhere, getRun, listRefusals, summariseGapsBySensor, type Database } from '@airfill/db';
import type { ExecutionResult } from './engine';
import type { ChosenModel } from './model-choice';
import { buildQualityReport, qualityReportSchema } from './report-quality';

const metrics = z.object({ count: z.number(), mae: z.number(), rmse: z.number(), mre: z.number(), r2: z.number() });

/** The report of one `airfill run`, as written to `<data dir>/reports/<run>.json`. */
export const runReportSchema = z.object({
  version: z.literal(1),
  generatedAt: z.string(),
  database: z.string(),
  parameter: z.string(),
  input: z
    .object({
      file: z.string(),
      rows: z.number(),
      inserted: z.number(),
      unchanged: z.number(),
      rejected: z.number(),
      missing: z.number(),
      /** Values out of their parameter's plausible range: loaded with their raw text, flagged invalid, treated as missing. */
      invalid: z.number(),
      /** Values that were a device's or sensor type's own "no reading". */
      sentinels: z.number(),
      /** Stored readings whose value this load stopped trusting (same raw text, now a sentinel or invalid). */
      reinterpreted: z.number(),
      /** The devices and parameters with the most such values, each with an example. */
      untrusted: z.array(
        z.object({ deviceId: z.string(), parameter: z.string(), invalid: z.number(), sentinels: z.number(), example: z.object({ ts: z.string(), raw: z.string(), detail: z.string() }) }),
      ),
    })
    .nullable(),
  execution: z.object({
    id: z.string(),
    runId: z.string(),
    status: z.enum(['succeeded', 'failed']),
    error: z.object({ name: z.string(), cause: z.string() }).optional(),
    ledger: z.object({
      status: z.string(),
      found: z.number().nullable(),
      predicted: z.number().nullable(),
      written: z.number().nullable(),
      refused: z.number().nullable(),
    }),
    /** Predictions refused as implausible, by reading (the first 20); their readings stay missing. */
    refusals: z.array(z.object({ deviceId: z.string(), parameter: z.string(), ts: z.string(), value: z.number().nullable(), reason: z.string() })),
    /** Missing readings this run could not claim because other runs, still running, hold them. */
    heldElsewhere: z.object({ readings: z.number(), runs: z.array(z.object({ runId: z.string(), startedAt: z.string(), claimed: z.number() })) }),
  }),
  model: z.object({
    version: z.string(),
    source: z.enum(['registry', 'default', 'directory']),
    /** The file the model was trained (and its holdout metrics measured) on, when recorded. */
    trainedOn: z.string().nullable(),
    holdout: z.object({ from: z.string(), to: z.string() }),
    metrics,
    baselines: z.object({ linear: metrics, locf: metrics, stationMean: metrics }),
  }),
  /** Quality control before the fill: flags, alerts, data capture. */
  quality: qualityReportSchema,
  totals: z.object({ sensors: z.number(), readings: z.number(), missing: z.number(), filledNow: z.number(), filledTotal: z.number(), unfilled: z.number() }),
  sensors: z.array(
    z.object({ deviceId: z.string(), readings: z.number(), missing: z.number(), filledNow: z.number(), filledTotal: z.number(), unfilled: z.number() }),
  ),
  steps: z.array(z.object({ step: z.string(), ms: z.number(), attempts: z.number().optional() })),
  totalMs: z.number(),
});

/** What `airfill run` reports. */
export type RunReport = z.infer<typeof runReportSchema>;

/** A step's time, for the report. */
export interface StepTime {
  step: string;
  ms: number;
  attempts?: number;
}

/** How many refusals a report lists (the ledger keeps them all). */
const LISTED_REFUSALS = 20;

/** Readings filled by this run, per sensor. */
async function filledByRun(database: Database, runId: string): Promise<Map<string, number>> {
  const { rows } = await database.pool.query<{ device_id: string; n: string }>(
    `select s.device_id, count(*) as n from imputations i join sensors s on s.id = i.sensor_ref where i.run_id = $1 group by s.device_id`,
    [runId],
  );
  return new Map(rows.map((row) => [row.device_id, Number(row.n)]));
}

/** Orders the engine's state timings as the pipeline runs them, naming the transform and the callback apart. */
export function pipelineSteps(result: ExecutionResult): StepTime[] {
  const byState = new Map(result.states.map((timing) => [timing.state, timing]));
  const steps: StepTime[] = [];
  const add = (step: string, state: string) => {
    const timing = byState.get(state);
    if (timing) steps.push({ step, ms: timing.ms, attempts: timing.attempts });
  };
  add('quality-check', 'QualityCheck');
  add('query-missing', 'QueryMissing');
  const start = byState.get('StartTransform');
  if (start) {
    const transform = result.transformMs ?? 0;
    steps.push({ step: 'start-transform (features, wait)', ms: Math.max(0, start.ms - transform - result.callbackMs), attempts: start.attempts });
    if (result.transformMs !== undefined) steps.push({ step: 'transform job (scoring)', ms: transform });
    if (result.callbackMs) steps.push({ step: 'transform-callback (checks)', ms: result.callbackMs });
  }
  add('write-predictions', 'WritePredictions');
  add('record-failure', 'RecordFailure');
  return steps;
}

/**
 * Builds the report of a run from the ledger and the database: readings,
 * missing, filled by this run and in all, per sensor; what quality control
 * flagged, its alerts and data capture; the model and its holdout metrics
 * against the baselines; time per step.
 */
export async function buildRunReport(
  database: Database,
  input: {
    location: string;
    parameter: string;
    chosen: ChosenModel;
    result: ExecutionResult;
    load: RunReport['input'];
    steps: StepTime[];
    totalMs: number;
  },
): Promise<RunReport> {
  const { result, chosen } = input;
  const [gaps, now, run, refusals, heldElsewhere, quality] = await Promise.all([
    summariseGapsBySensor(database),
    filledByRun(database, result.runId),
    getRun(database, result.runId).catch(() => undefined),
    listRefusals(database, result.runId),
    claimsHeldElsewhere(database, { parameter: input.parameter, runId: result.runId }),
    buildQualityReport(database, result.runId, input.parameter),
  ]);
  const sensors = gaps
    .filter((gap) => gap.parameter === input.parameter)
    .map((gap) => ({
      deviceId: gap.deviceId,
      readings: gap.readings,
      missing: gap.missing,
      filledNow: now.get(gap.deviceId) ?? 0,
      filledTotal: gap.imputed,
      unfilled: gap.missing - gap.imputed,
    }));
  const sum = (key: 'readings' | 'missing' | 'filledNow' | 'filledTotal' | 'unfilled') => sensors.reduce((total, sensor) => total + sensor[key], 0);
  const { metrics: modelMetrics } = chosen.model;
  return runReportSchema.parse({
    version: 1,
    generatedAt: new Date().toISOString(),
    database: input.location,
    parameter: input.parameter,
    input: input.load,
    execution: {
      id: result.executionId,
      runId: result.runId,
      status: result.status,
      ...(result.error ? { error: result.error } : {}),
      ledger: { status: run?.status ?? 'unknown', found: run?.found ?? null, predicted: run?.predicted ?? null, written: run?.written ?? null, refused: run?.refused ?? null },
      refusals: refusals.slice(0, LISTED_REFUSALS).map((refusal) => ({ ...refusal, ts: refusal.ts.toISOString() })),
      heldElsewhere: { readings: heldElsewhere.readings, runs: heldElsewhere.runs.map((other) => ({ ...other, startedAt: other.startedAt.toISOString() })) },
    },
    model: {
      version: chosen.model.version,
      source: chosen.source,
      trainedOn: modelMetrics.training.source ?? null,
      holdout: { from: modelMetrics.holdout.from, to: modelMetrics.holdout.to },
      metrics: modelMetrics.model,
      baselines: modelMetrics.baselines,
    },
    quality,
    totals: {
      sensors: sensors.length,
      readings: sum('readings'),
      missing: sum('missing'),
      filledNow: sum('filledNow'),
      filledTotal: sum('filledTotal'),
      unfilled: sum('unfilled'),
    },
    sensors,
    steps: input.steps,
    totalMs: input.totalMs,
  });
}
