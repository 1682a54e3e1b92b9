import { DatabaseInputError, getRun, readStatus, type StatusReport } from '@airfill/db';
import { runPipeline, type ExecutionResult } from './engine';
import { pipelineSteps, type RunReport, type StepTime } from './report';
import { startAndLoad, type RunLocallyOptions } from './run-locally';
import type { LocalRuntime } from './runtime';

/** Options of {@link backfillLocally}: those of a run, and the chunk. */
export interface BackfillOptions extends Omit<RunLocallyOptions, 'maxReadingsPerRun' | 'writeReport' | 'csvWhenEmpty'> {
  /**
   * Most missing readings of one chunk (one run). It bounds memory: a run
   * holds its chunk and the chunk's feature context (its time span and the
   * look-back/ahead around it), never the backfill; an execution fills its
   * chunks `maxConcurrency` at a time.
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
  /** Per parameter, over its chunks: how many chunks, readings claimed, values written, predictions refused. */
  parameters: { parameter: string; chunks: number; found: number; written: number; refused: number }[];
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
    const name = step.step.startsWith('fill ') ? 'fill (every chunk, in the Map)' : step.step;
    const sum = sums.find((entry) => entry.step === name);
    if (sum) sum.ms += step.ms;
    else sums.push({ step: name, ms: step.ms });
  }
}

/** One pass's counts per chunk's run, from the ledger. */
async function describeRuns(execution: ExecutionResult, runtime: LocalRuntime): Promise<{ parameter: string; found: number; written: number; refused: number }[]> {
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

/** The runs' counts added up per parameter, in the order the parameters first come. */
function perParameter(runs: Awaited<ReturnType<typeof describeRuns>>): BackfillPass['parameters'] {
  const sums = new Map<string, BackfillPass['parameters'][number]>();
  for (const run of runs) {
    const sum = sums.get(run.parameter) ?? { parameter: run.parameter, chunks: 0, found: 0, written: 0, refused: 0 };
    sums.set(run.parameter, { ...sum, chunks: sum.chunks + 1, found: sum.found + run.found, written: sum.written + run.written, refused: sum.refused + run.refused });
  }
  return [...sums.values()];
}

/**
 * `airfill backfill`: fills every missing value a model can fill. Each
 * execution plans every parameter's missing readings in chunks of at most
 * `chunkReadings` (time windows) and fills them, each chunk a run of its
 * own; another execution follows only while some chunk's run found a full
 * chunk (an hour holding more than a chunk, readings gone missing
 * meanwhile) and readings of the planned parameters are still missing.
 * Each run is the real pipeline and commits its own fills, so
 * memory stays that of the chunks under way, and a backfill that is
 * interrupted, killed or crashes loses at most those chunks: the next
 * backfill (or run) closes the runs left open, takes their claims back and
 * goes on from there; nothing is written twice (one imputation per
 * reading). Stops at the first failed execution (the others' fills are
 * kept), or when an execution writes nothing new.
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
      const runs = await describeRuns(execution, runtime);
      const parameters = perParameter(runs);
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
      // A run claims its whole window unless the window held more than a chunk (one hour over it): only then is something left for another execution.
      const left = (execution.plan?.parameters ?? []).reduce((sum, parameter) => sum + (status.parameters[parameter]?.unfilled ?? 0), 0);
      if (left === 0 || runs.every((run) => run.found < options.chunkReadings)) break;
      if (runs.every((run) => run.written === 0)) {
        outcome = 'stalled';
        break;
      }
    }
    return { outcome, passes, load, withoutModel: [...withoutModel], status: await readStatus(runtime.database), steps, ms: performance.now() - started };
  } finally {
    await runtime.stop();
  }
}
