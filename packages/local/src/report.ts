import { z } from 'zod';
import { claimsHeldElsewhere, getRun, listRefusals, summariseCompleteness, summariseGapsBySensor, summariseLiveChecks, type CompletenessSummary, type Database, type Run as RunRecord, type SensorGapSummary } from '@airfill/db';
import { runIdForExecution } from '@airfill/pipeline';
import type { ExecutionResult } from './engine';
import type { ChosenModel } from './model-choice';
import { buildQualityReport, completenessSchema, qualityReportSchema } from './report-quality';
import type { ParameterRunResult } from './timings';

const metrics = z.object({ count: z.number(), mae: z.number(), rmse: z.number(), mre: z.number(), r2: z.number() });
const counts = { readings: z.number(), missing: z.number(), filledNow: z.number(), filledTotal: z.number(), unfilled: z.number() };

/** What the load of the run's input did (null when nothing was loaded). */
const inputSchema = z
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
  .nullable();

const nullableNumber = z.number().nullable();

/** The serving model's live accuracy over its last runs, this one included (`summariseLiveChecks`). */
const liveSchema = z
  .object({
    modelVersion: z.string(),
    runs: z.number(),
    points: z.number(),
    mae: nullableNumber,
    linearMae: nullableNumber,
    coverage: nullableNumber,
    nominalCoverage: nullableNumber,
    expectedMae: nullableNumber,
    ratio: nullableNumber,
    inSample: z.number(),
    drift: z.boolean(),
    trend: z.array(z.object({ runId: z.string(), at: z.string(), points: z.number(), mae: nullableNumber, ratio: nullableNumber, coverage: nullableNumber, drift: z.boolean() })),
  })
  .nullable();

/** One parameter's runs in the execution (one per chunk): their ledger rows summed, what they filled, its model. */
const parameterSchema = z.object({
  parameter: z.string(),
  /** The run of its first chunk. */
  runId: z.string(),
  /** Every chunk's run, in the manifest's order (one for a plan of one chunk). */
  runIds: z.array(z.string()).min(1),
  /** Over its chunks' runs: `failed` when any failed, `running` when any still runs. */
  ledger: z.object({
    status: z.string(),
    found: z.number().nullable(),
    predicted: z.number().nullable(),
    written: z.number().nullable(),
    refused: z.number().nullable(),
    /** Why a run failed (the first failed chunk's), from the ledger. */
    error: z.object({ name: z.string(), message: z.string(), runId: z.string().optional() }).nullable(),
  }),
  /** Predictions refused as implausible, by reading (the first 20); their readings stay missing. */
  refusals: z.array(z.object({ deviceId: z.string(), parameter: z.string(), ts: z.string(), value: z.number().nullable(), reason: z.string() })),
  /** Missing readings this run could not claim because other runs, still running, hold them. */
  heldElsewhere: z.object({ readings: z.number(), runs: z.array(z.object({ runId: z.string(), startedAt: z.string(), claimed: z.number() })) }),
  model: z.object({
    version: z.string(),
    source: z.enum(['registry', 'default', 'directory']),
    /** The file the model was trained (and its holdout metrics measured) on, when recorded. */
    trainedOn: z.string().nullable(),
    holdout: z.object({ from: z.string(), to: z.string() }),
    metrics,
    baselines: z.object({ linear: metrics, locf: metrics, stationMean: metrics }),
  }),
  /** The model's accuracy on values the runs hid from it (null: no run checked it yet). */
  live: liveSchema,
  totals: z.object({ sensors: z.number(), ...counts }),
  sensors: z.array(z.object({ deviceId: z.string(), ...counts })),
  /** Data capture of the parameter over the last 30 days of data: per sensor, with its days. */
  completeness: completenessSchema,
  /** Time in each of its states, and from its first state to its last (runs of different parameters overlap). */
  steps: z.array(z.object({ step: z.string(), ms: z.number(), attempts: z.number().optional() })),
  ms: z.number(),
});

/** The report of one `airfill run`, as written to `<data dir>/reports/<execution>.json`. */
export const runReportSchema = z.object({
  version: z.literal(2),
  generatedAt: z.string(),
  database: z.string(),
  input: inputSchema,
  execution: z.object({
    id: z.string(),
    /** The execution's name (the report files are named after it). */
    name: z.string(),
    status: z.enum(['succeeded', 'failed']),
    error: z.object({ name: z.string(), cause: z.string() }).optional(),
  }),
  /** Quality control before the fill, over every parameter: flags, alerts. */
  quality: qualityReportSchema,
  /** Every parameter the execution filled, in plan order. */
  parameters: z.array(parameterSchema),
  /** Parameters stored (or asked for) that no model fills: not filled, and what is missing of them. */
  withoutModel: z.array(z.object({ parameter: z.string(), readings: z.number(), missing: z.number(), unfilled: z.number() })),
  /** Over every parameter filled. */
  totals: z.object({ sensors: z.number(), ...counts }),
  steps: z.array(z.object({ step: z.string(), ms: z.number(), attempts: z.number().optional() })),
  totalMs: z.number(),
});

/** What `airfill run` reports. */
export type RunReport = z.infer<typeof runReportSchema>;
/** One parameter's part of the report. */
export type ParameterReport = RunReport['parameters'][number];

/** A step's time, for the report. */
export interface StepTime {
  step: string;
  ms: number;
  attempts?: number;
}

/** How many refusals a report lists per parameter (the ledger keeps them all). */
const LISTED_REFUSALS = 20;

/** Readings filled by some runs, per sensor. */
async function filledByRuns(database: Database, runIds: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await database.pool.query<{ device_id: string; n: string }>(
    `select s.device_id, count(*) as n from imputations i join sensors s on s.id = i.sensor_ref where i.run_id = any($1::uuid[]) group by s.device_id`,
    [runIds],
  );
  return new Map(rows.map((row) => [row.device_id, Number(row.n)]));
}

/** One ledger figure summed over a parameter's chunk runs; null when no run has it. */
const sumOf = (rows: readonly (RunRecord | undefined)[], pick: (row: RunRecord) => number | null): number | null => {
  const values = rows.flatMap((row) => (row && pick(row) !== null ? [pick(row)!] : []));
  return values.length ? values.reduce((total, value) => total + value, 0) : null;
};

/** A parameter's status over its chunk runs: failed if any failed, running if any runs, else the first's. */
function statusOf(rows: readonly (RunRecord | undefined)[]): string {
  const statuses = rows.map((row) => row?.status ?? 'not opened');
  return statuses.find((status) => status === 'failed') ?? statuses.find((status) => status === 'running') ?? statuses[0] ?? 'not opened';
}

/** A parameter's chunk runs as one: step times added up by step, and their run times summed. */
function mergedSteps(runs: readonly ParameterRunResult[]): StepTime[] {
  const steps: StepTime[] = [];
  for (const step of runs.flatMap(parameterSteps)) {
    const same = steps.find((entry) => entry.step === step.step);
    if (!same) steps.push({ ...step });
    else {
      same.ms += step.ms;
      if (step.attempts !== undefined) same.attempts = (same.attempts ?? 0) + step.attempts;
    }
  }
  return steps;
}

/** A parameter's run's state timings as the pipeline runs them, naming the transform and the callback apart. */
export function parameterSteps(run: ParameterRunResult): StepTime[] {
  const byState = new Map(run.states.map((timing) => [timing.state, timing]));
  const steps: StepTime[] = [];
  const add = (step: string, state: string) => {
    const timing = byState.get(state);
    if (timing) steps.push({ step, ms: timing.ms, attempts: timing.attempts });
  };
  add('query-missing', 'QueryMissing');
  const start = byState.get('StartTransform');
  if (start) {
    const transform = run.transformMs ?? 0;
    steps.push({ step: 'start-transform (features, wait)', ms: Math.max(0, start.ms - transform - run.callbackMs), attempts: start.attempts });
    if (run.transformMs !== undefined) steps.push({ step: 'transform job (scoring)', ms: transform });
    if (run.callbackMs) steps.push({ step: 'transform-callback (checks)', ms: run.callbackMs });
  }
  add('write-predictions', 'WritePredictions');
  add('record-failure', 'RecordFailure');
  return steps;
}

/** The execution's own steps: the plan, and all parameters' runs together (the Map: its wall time). */
export function pipelineSteps(result: ExecutionResult): StepTime[] {
  const byState = new Map(result.states.map((timing) => [timing.state, timing]));
  const steps: StepTime[] = [];
  const check = byState.get('QualityCheck');
  if (check) steps.push({ step: 'quality-check', ms: check.ms, attempts: check.attempts });
  const plan = byState.get('PlanParameters');
  if (plan) steps.push({ step: 'plan-parameters', ms: plan.ms, attempts: plan.attempts });
  const fill = byState.get('FillChunks');
  const parameters = new Set(result.runs.map((run) => run.parameter)).size;
  if (fill) steps.push({ step: `fill ${parameters} parameter(s) in ${result.runs.length} chunk(s) (see each parameter)`, ms: fill.ms });
  return steps;
}

type Counts = { readings: number; missing: number; filledNow: number; filledTotal: number; unfilled: number };
const sum = <T extends Counts>(rows: readonly T[]): Counts => ({
  readings: rows.reduce((total, row) => total + row.readings, 0),
  missing: rows.reduce((total, row) => total + row.missing, 0),
  filledNow: rows.reduce((total, row) => total + row.filledNow, 0),
  filledTotal: rows.reduce((total, row) => total + row.filledTotal, 0),
  unfilled: rows.reduce((total, row) => total + row.unfilled, 0),
});

/** One parameter's part: its chunk runs' ledger rows, refusals, claims held elsewhere, what they filled per sensor, its model. */
async function parameterReport(
  database: Database,
  runs: readonly [ParameterRunResult, ...ParameterRunResult[]],
  chosen: ChosenModel,
  gaps: readonly SensorGapSummary[],
  completeness: CompletenessSummary,
): Promise<ParameterReport> {
  const [run] = runs;
  const runIds = runs.map((chunk) => chunk.runId);
  const [now, ledgers, refusals, heldElsewhere, live] = await Promise.all([
    filledByRuns(database, runIds),
    Promise.all(runIds.map((runId) => getRun(database, runId).catch(() => undefined))),
    Promise.all(runIds.map((runId) => listRefusals(database, runId))).then((lists) => lists.flat()),
    claimsHeldElsewhere(database, { parameter: run.parameter, runId: run.runId }),
    summariseLiveChecks(database, run.parameter, chosen.model.version),
  ]);
  const failed = ledgers.find((ledger) => ledger?.status === 'failed');
  const ledger = failed ?? ledgers[0];
  const sensors = gaps
    .filter((gap) => gap.parameter === run.parameter)
    .map((gap) => ({ deviceId: gap.deviceId, readings: gap.readings, missing: gap.missing, filledNow: now.get(gap.deviceId) ?? 0, filledTotal: gap.imputed, unfilled: gap.missing - gap.imputed }));
  const error = ledger?.error as { name?: unknown; message?: unknown } | null | undefined;
  const { metrics: modelMetrics } = chosen.model;
  return {
    parameter: run.parameter,
    runId: run.runId,
    runIds,
    ledger: {
      status: statusOf(ledgers),
      found: sumOf(ledgers, (row) => row.found),
      predicted: sumOf(ledgers, (row) => row.predicted),
      written: sumOf(ledgers, (row) => row.written),
      refused: sumOf(ledgers, (row) => row.refused),
      error: error ? { name: String(error.name ?? 'Error'), message: String(error.message ?? ''), ...(ledger ? { runId: ledger.runId } : {}) } : null,
    },
    refusals: refusals.slice(0, LISTED_REFUSALS).map((refusal) => ({ ...refusal, ts: refusal.ts.toISOString() })),
    heldElsewhere: { readings: heldElsewhere.readings, runs: heldElsewhere.runs.map((other) => ({ ...other, startedAt: other.startedAt.toISOString() })) },
    model: {
      version: chosen.model.version,
      source: chosen.source,
      trainedOn: modelMetrics.training.source ?? null,
      holdout: { from: modelMetrics.holdout.from, to: modelMetrics.holdout.to },
      metrics: modelMetrics.model,
      baselines: modelMetrics.baselines,
    },
    live,
    totals: { sensors: sensors.length, ...sum(sensors) },
    sensors,
    completeness: { window: completeness.window, capture: completeness.parameters[run.parameter]?.capture ?? null, sensors: completeness.parameters[run.parameter]?.sensors ?? [] },
    steps: mergedSteps(runs),
    ms: runs.reduce((total, chunk) => total + chunk.ms, 0),
  };
}

/**
 * Builds the report of an execution from the ledger and the database: what
 * quality control flagged before the fill and its alerts; per parameter its
 * run (status, found, written, refused, error), what it filled per sensor,
 * its data capture, its model and holdout metrics against the baselines, and
 * its time per step; the parameters no model fills with what is missing of them;
 * totals over every parameter filled.
 */
export async function buildRunReport(
  database: Database,
  input: {
    location: string;
    models: ReadonlyMap<string, ChosenModel>;
    withoutModel: readonly string[];
    result: ExecutionResult;
    load: RunReport['input'];
    steps: StepTime[];
    totalMs: number;
  },
): Promise<RunReport> {
  const { result } = input;
  const [gaps, completeness, quality] = await Promise.all([
    summariseGapsBySensor(database),
    summariseCompleteness(database),
    buildQualityReport(database, runIdForExecution(result.executionId), result.runs.map((run) => run.runId)),
  ]);
  const parameters: ParameterReport[] = [];
  for (const parameter of new Set(result.runs.map((run) => run.parameter))) {
    const [first, ...rest] = result.runs.filter((run) => run.parameter === parameter);
    const chosen = input.models.get(parameter);
    if (chosen && first) parameters.push(await parameterReport(database, [first, ...rest], chosen, gaps, completeness));
  }
  const withoutModel = [...new Set([...input.withoutModel, ...(result.plan?.withoutModel ?? [])])].map((parameter) => {
    const rows = gaps.filter((gap) => gap.parameter === parameter);
    const missing = rows.reduce((total, row) => total + row.missing, 0);
    return { parameter, readings: rows.reduce((total, row) => total + row.readings, 0), missing, unfilled: missing - rows.reduce((total, row) => total + row.imputed, 0) };
  });
  const devices = new Set(parameters.flatMap((parameter) => parameter.sensors.map((sensor) => sensor.deviceId)));
  return runReportSchema.parse({
    version: 2,
    generatedAt: new Date().toISOString(),
    database: input.location,
    input: input.load,
    execution: {
      id: result.executionId,
      name: result.executionId.slice(result.executionId.lastIndexOf(':') + 1),
      status: result.status,
      ...(result.error ? { error: result.error } : {}),
    },
    quality,
    parameters,
    withoutModel,
    totals: { sensors: devices.size, ...sum(parameters.map((parameter) => parameter.totals)) },
    steps: input.steps,
    totalMs: input.totalMs,
  });
}
