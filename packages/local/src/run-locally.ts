import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { requireStoredParameter, type Database } from '@airfill/db';
import type { ChartSeries } from './chart-series';
import { loadReadingsCsv, type LoadProgress, type RejectedRow } from '@airfill/ingest';
import type { QualityConfigInput } from '@airfill/quality';
import type { PlausibilityConfigInput } from '@airfill/schema';
import { readChartSeries } from './chart-series';
import { runPipeline, type ExecutionOptions, type ExecutionResult } from './engine';
import type { PipelineProgress } from './progress';
import { buildRunReport, pipelineSteps, type RunReport, type StepTime } from './report';
import { renderReportHtml } from './report-html';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from './runtime';

/** Options of {@link runLocally}. */
export interface RunLocallyOptions
  extends Pick<LocalRuntimeOptions, 'parameters' | 'dataDir' | 'databaseUrl' | 'database' | 'keepObjects' | 'maxReadingsPerRun' | 'groupSensors' | 'livePoints' | 'drift' | 'maxConcurrency' | 'log'> {
  /** CSV to load first (plain or .gz; loading is idempotent). */
  csv?: string;
  /** Without `csv`: load this CSV only when the database holds no readings yet (the bundled sample for a first run). */
  csvWhenEmpty?: string;
  /** Value meaning "no reading" in the CSV. @default 65535 */
  sentinel?: number;
  /** Physical ranges and extra sentinels over the defaults: the loader and the range check apply them. */
  plausibility?: PlausibilityConfigInput;
  /** Quality control's thresholds (`@airfill/quality`); the defaults when absent. */
  qualityConfig?: QualityConfigInput;
  /** Longest CSV line, in characters. @default 65536 */
  maxLineLength?: number;
  /** Told about each rejected CSV row. */
  onReject?: (row: RejectedRow) => void | Promise<void>;
  /** Progress of starting up and loading. */
  onProgress?: (message: string) => void;
  onLoadProgress?: (progress: LoadProgress) => void;
  /** Progress of the pipeline. */
  onPipelineProgress?: (event: PipelineProgress) => void;
  /** Execution options (faults, retry intervals: tests). */
  execution?: Omit<ExecutionOptions, 'onProgress'>;
  /** Write the report as JSON and HTML under `<dataDir>/reports/`. @default true */
  writeReport?: boolean;
}

/** What a local run produced. */
export interface LocalRunResult {
  report: RunReport;
  execution: ExecutionResult;
  /** The report files, when written. */
  files?: { json: string; html: string };
}

/** Loads the run's input into the database; returns what the report says about it. */
async function loadInput(database: Database, options: RunLocallyOptions, steps: StepTime[]): Promise<RunReport['input']> {
  let csv = options.csv;
  if (!csv && options.csvWhenEmpty) {
    const { rows } = await database.pool.query<{ any: boolean }>('select exists (select 1 from readings) as any');
    if (rows[0]?.any) options.onProgress?.('no CSV given: running on the readings already stored');
    else csv = options.csvWhenEmpty;
  }
  if (!csv) return null;
  const loadStarted = performance.now();
  options.onProgress?.(`loading ${path.basename(csv)}`);
  const summary = await loadReadingsCsv(database, csv, {
    ...(options.sentinel === undefined ? {} : { sentinel: options.sentinel }),
    ...(options.plausibility ? { plausibility: options.plausibility } : {}),
    ...(options.maxLineLength === undefined ? {} : { maxLineLength: options.maxLineLength }),
    ...(options.onLoadProgress ? { onProgress: options.onLoadProgress } : {}),
    ...(options.onReject ? { onReject: options.onReject } : {}),
  });
  steps.push({ step: 'load CSV', ms: performance.now() - loadStarted });
  const { rows, inserted, unchanged, rejected, missing, invalid, sentinels, reinterpreted, untrusted } = summary;
  return { file: path.basename(csv), rows, inserted, unchanged, rejected, missing, invalid, sentinels, reinterpreted, untrusted };
}

/**
 * Starts the local runtime for `options` (embedded PostgreSQL or the given
 * one, s3rver, migrations), loads the CSV and checks the parameters asked
 * for are stored; records the start and load times in `steps`, and tells
 * `onProgress` why a model other than the registry's was chosen.
 */
export async function startAndLoad(
  options: RunLocallyOptions,
  steps: StepTime[],
  started: number = performance.now(),
): Promise<{ runtime: LocalRuntime; load: RunReport['input'] }> {
  let load: RunReport['input'] = null;
  const runtime = await startLocalRuntime({
    ...(options.parameters ? { parameters: options.parameters } : {}),
    ...(options.plausibility ? { plausibility: options.plausibility } : {}),
    ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
    dataDir: options.dataDir,
    ...(options.database ? { database: options.database } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.keepObjects === undefined ? {} : { keepObjects: options.keepObjects }),
    ...(options.maxReadingsPerRun === undefined ? {} : { maxReadingsPerRun: options.maxReadingsPerRun }),
    ...(options.groupSensors === undefined ? {} : { groupSensors: options.groupSensors }),
    ...(options.livePoints === undefined ? {} : { livePoints: options.livePoints }),
    ...(options.drift === undefined ? {} : { drift: options.drift }),
    quality: { ...(options.qualityConfig ? { config: options.qualityConfig } : {}), ...(options.plausibility ? { plausibility: options.plausibility } : {}) },
    ...(options.log ? { log: options.log } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    prepare: async (database) => {
      steps.push({ step: 'start (database, S3, migrate)', ms: performance.now() - started });
      load = await loadInput(database, options, steps);
      for (const parameter of options.parameters ?? []) await requireStoredParameter(database, parameter);
    },
  });
  for (const chosen of runtime.models.values()) if (chosen.note) options.onProgress?.(chosen.note);
  return { runtime, load };
}

/**
 * `airfill run`: starts the local runtime (embedded PostgreSQL or the given
 * one, s3rver, migrations), loads the CSV, checks the parameters asked for
 * are ones the data has, runs the pipeline once (every parameter with a
 * model, or those asked for), builds the report and writes it as JSON and
 * HTML, and stops everything it started, also when something fails.
 */
export async function runLocally(options: RunLocallyOptions): Promise<LocalRunResult> {
  const started = performance.now();
  const steps: StepTime[] = [];
  const { runtime, load } = await startAndLoad(options, steps, started);
  try {
    const execution = await runPipeline(runtime, { ...options.execution, ...(options.onPipelineProgress ? { onProgress: options.onPipelineProgress } : {}) });
    steps.push(...pipelineSteps(execution));
    const reportStarted = performance.now();
    const report = await buildRunReport(runtime.database, {
      location: runtime.location,
      models: runtime.models,
      withoutModel: runtime.withoutModel,
      result: execution,
      load,
      steps,
      totalMs: 0,
    });
    const charts = new Map<string, ChartSeries[]>();
    if (options.writeReport !== false) {
      // Fewer buckets per chart when there are many charts, so the page stays a few MB.
      const chartCount = report.parameters.reduce((total, parameter) => total + parameter.sensors.length, 0);
      const buckets = chartCount > 60 ? 300 : 600;
      for (const parameter of report.parameters) charts.set(parameter.parameter, await readChartSeries(runtime.database, parameter.parameter, buckets));
    }
    // The report's own step and the total are known before anything is written, so every copy says the same.
    report.steps.push({ step: 'report', ms: performance.now() - reportStarted });
    report.totalMs = performance.now() - started;
    const files = options.writeReport === false ? undefined : await writeReport(options.dataDir, report, renderReportHtml(report, charts));
    return { report, execution, ...(files ? { files } : {}) };
  } finally {
    await runtime.stop();
  }
}

/** Writes `<dataDir>/reports/<execution>.json` and `.html`, and `latest.html` beside them. */
async function writeReport(dataDir: string, report: RunReport, html: string): Promise<{ json: string; html: string }> {
  const folder = path.join(path.resolve(dataDir), 'reports');
  await mkdir(folder, { recursive: true });
  const base = path.join(folder, report.execution.name);
  await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(`${base}.html`, html);
  await writeFile(path.join(folder, 'latest.html'), html);
  return { json: `${base}.json`, html: `${base}.html` };
}
