import { DatabaseInputError, getRun, readStatus, type StatusReport } from '@airfill/db';
import { runPipeline, type ExecutionResult } from './engine';
import { pipelineSteps, type RunReport, type StepTime } from './report';
import { startAndLoad, type RunLocallyOptions } from './run-locally';
import type { LocalRuntime } from './runtime';

/** Options of {@link backfillLocally}: those of a run, and the chunk. */
export interface BackfillOptions extends Omit<RunLocallyOptions, 'maxReadingsPerRun' | 'writeReport' | 'csvWhenEmpty'> {
  /**
   * Most missing readings one execution claims per parameter. It bounds
   * memory: an execution holds its chunk and the chunk's feature context
   * (its time span and the look-back/ahead around it), never the backfill.
   */
  chunkReadings: number;
  /** Told after each execution. */
  onPass?: (pass: BackfillPass) => void;
}

/** What one execution of a backfill did. */
export interface BackfillPass {
  /** 1 for the first execution of this backfill. */
  pass: number;
  executionId: string;
  status: ExecutionResult['status'];
  error?: ExecutionResult['error'];
  /** Per parameter: readings claimed, values written, predictions refused. */
  parameters: { parameter: string; found: number; written: number; refused: number }[];
  /** Missing readings with no value yet, over every parameter, after this execution. */
  unfilled: number;
  ms: number;
}

/** How a backfill ended. */
export interface BackfillResult {
  /** `done`: nothing left a model can fill; `failed`: an execution failed (the next backfill resumes); `stalled`: an execution wrote nothing new (every prediction refused). */
  outcome: 'done' | 'failed' | 'stalled';
  passes: BackfillPass[];
  load: RunReport['input'];
  /** Stored parameters no model fills (never filled, reported). */
  withoutModel: string[];
  status: StatusReport;
  /** Time per step: start and load, then each pipeline step summed over the executions. */
  steps: StepTime[];
  ms: number;
}

/** Adds an execution's step times to the sums, by step name (every execution's Map fills the same parameters). */
function addSteps(sums: StepTime[], steps: readonly StepTime[]): void {
  for (const step of steps) {
    const name = step.step.startsWith('fill ') ? 'fill (every parameter, in the Map)' : step.step;
    const sum = sums.find((entry) => entry.step === name);
    if (sum) sum.ms += step.ms;
    else sums.push({ step: name, ms: step.ms });
  }
}

/** One pass's counts, from the ledger. */
async function describePass(execution: ExecutionResult, runtime: LocalRuntime): Promise<BackfillPass['parameters']> {
  return Promise.all(
    execution.runs.map(async (run) => {
      // A run whose query-missing never opened it (the execution failed before) has no ledger line: nothing claimed, nothing written.
      const ledger = await getRun(runtime.database, run.runId).catch((error: unknown) => {
        if (error instanceof DatabaseInputError) return undefined;
        throw error;
      });
      return { parameter: run.parameter, found: ledger?.found ?? 0, written: ledger?.written ?? 0, refused: ledger?.refused ?? 0 };
    }),
  );
}

/**
 * `airfill backfill`: fills every missing value a model can fill, in
 * executions of at most `chunkReadings` readings per parameter, one after
 * another on one runtime, until an execution finds fewer than a chunk for
 * every parameter (nothing is left). Each execution is the real pipeline
 * and commits its own fills, so memory stays that of one chunk, and a
 * backfill that is interrupted, killed or crashes loses at most the chunk
 * under way: the next backfill (or run) closes the runs left open, takes
 * their claims back and goes on from there; nothing is written twice (one
 * imputation per reading). Stops at the first failed execution (the others'
 * fills are kept), or when an execution writes nothing new.
 */
export async function backfillLocally(options: BackfillOptions): Promise<BackfillResult> {
  const started = performance.now();
  const steps: StepTime[] = [];
  const { runtime, load } = await startAndLoad({ ...options, maxReadingsPerRun: options.chunkReadings }, steps, started);
  try {
    const passes: BackfillPass[] = [];
    let outcome: BackfillResult['outcome'] = 'done';
    const withoutModel = new Set(runtime.withoutModel);
    for (let pass = 1; ; pass += 1) {
      const passStarted = performance.now();
      const execution = await runPipeline(runtime, { ...options.execution, ...(options.onPipelineProgress ? { onProgress: options.onPipelineProgress } : {}) });
      addSteps(steps, pipelineSteps(execution));
      const parameters = await describePass(execution, runtime);
      for (const parameter of execution.plan?.withoutModel ?? []) withoutModel.add(parameter);
      const status = await readStatus(runtime.database);
      const entry: BackfillPass = {
        pass,
        executionId: execution.executionId,
        status: execution.status,
        ...(execution.error ? { error: execution.error } : {}),
        parameters,
        unfilled: status.unfilled,
        ms: performance.now() - passStarted,
      };
      passes.push(entry);
      options.onPass?.(entry);
      if (execution.status === 'failed') {
        outcome = 'failed';
        break;
      }
      if (parameters.every((parameter) => parameter.found < options.chunkReadings)) break;
      if (parameters.every((parameter) => parameter.written === 0)) {
        outcome = 'stalled';
        break;
      }
    }
    return { outcome, passes, load, withoutModel: [...withoutModel], status: await readStatus(runtime.database), steps, ms: performance.now() - started };
  } finally {
    await runtime.stop();
  }
}
