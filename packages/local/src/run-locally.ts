import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '@airfill/db';
import { loadReadingsCsv, type LoadProgress, type RejectedRow } from '@airfill/ingest';
import { readChartSeries } from './chart-series';
import { runPipeline, type ExecutionOptions, type ExecutionResult } from './engine';
import type { PipelineProgress } from './progress';
import { buildRunReport, pipelineSteps, type RunReport, type StepTime } from './report';
import { renderReportHtml } from './report-html';
import { startLocalRuntime, type LocalRuntimeOptions } from './runtime';

/** Options of {@link runLocally}. */
export interface RunLocallyOptions extends Pick<LocalRuntimeOptions, 'parameter' | 'dataDir' | 'databaseUrl' | 'database' | 'keepObjects' | 'maxReadingsPerRun' | 'log'> {
  /** CSV to load first (plain or .gz; loading is idempotent). */
  csv?: string;
  /** Without `csv`: load this CSV only when the database holds no readings yet (the bundled sample for a first run). */
  csvWhenEmpty?: string;
  /** Value meaning "no reading" in the CSV. @default 65535 */
  sentinel?: number;
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

/**
 * `airfill run`: starts the local runtime (embedded PostgreSQL or the given
 * one, s3rver, migrations), loads the CSV, runs the pipeline once, builds the
 * report and writes it as JSON and HTML, and stops everything it started,
 * also when something fails.
 */
export async function runLocally(options: RunLocallyOptions): Promise<LocalRunResult> {
  const started = performance.now();
  const runtime = await startLocalRuntime({
    parameter: options.parameter,
    dataDir: options.dataDir,
    ...(options.database ? { database: options.database } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.keepObjects === undefined ? {} : { keepObjects: options.keepObjects }),
    ...(options.maxReadingsPerRun === undefined ? {} : { maxReadingsPerRun: options.maxReadingsPerRun }),
    ...(options.log ? { log: options.log } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  try {
    const steps: StepTime[] = [{ step: 'start (database, S3, migrate)', ms: performance.now() - started }];
    let load: RunReport['input'] = null;
    let csv = options.csv;
    if (!csv && options.csvWhenEmpty) {
      const { rows } = await runtime.database.pool.query<{ any: boolean }>('select exists (select 1 from readings) as any');
      if (rows[0]?.any) options.onProgress?.('no CSV given: running on the readings already stored');
      else csv = options.csvWhenEmpty;
    }
    if (csv) {
      const loadStarted = performance.now();
      options.onProgress?.(`loading ${path.basename(csv)}`);
      const summary = await loadReadingsCsv(runtime.database, csv, {
        ...(options.sentinel === undefined ? {} : { sentinel: options.sentinel }),
        ...(options.onLoadProgress ? { onProgress: options.onLoadProgress } : {}),
        ...(options.onReject ? { onReject: options.onReject } : {}),
      });
      steps.push({ step: 'load CSV', ms: performance.now() - loadStarted });
      load = { file: path.basename(csv), rows: summary.rows, inserted: summary.inserted, unchanged: summary.unchanged, rejected: summary.rejected, missing: summary.missing };
    }
    if (runtime.chosen.note) options.onProgress?.(runtime.chosen.note);
    const execution = await runPipeline(runtime, { ...options.execution, ...(options.onPipelineProgress ? { onProgress: options.onPipelineProgress } : {}) });
    steps.push(...pipelineSteps(execution));
    const reportStarted = performance.now();
    const report = await buildRunReport(runtime.database, {
      location: runtime.location,
      parameter: options.parameter,
      chosen: runtime.chosen,
      result: execution,
      load,
      steps,
      totalMs: 0,
    });
    const files = options.writeReport === false ? undefined : await writeReport(runtime.database, options.dataDir, report);
    report.steps.push({ step: 'report', ms: performance.now() - reportStarted });
    report.totalMs = performance.now() - started;
    if (files) await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`);
    return { report, execution, ...(files ? { files } : {}) };
  } finally {
    await runtime.stop();
  }
}

/** Writes `<dataDir>/reports/<run>.json` and `.html`, and `latest.html` beside them. */
async function writeReport(database: Database, dataDir: string, report: RunReport): Promise<{ json: string; html: string }> {
  const folder = path.join(path.resolve(dataDir), 'reports');
  await mkdir(folder, { recursive: true });
  const base = path.join(folder, report.execution.runId);
  const html = renderReportHtml(report, await readChartSeries(database, report.parameter));
  await writeFile(`${base}.html`, html);
  await writeFile(path.join(folder, 'latest.html'), html);
  return { json: `${base}.json`, html: `${base}.html` };
}
