import { METRICS_NAMESPACE } from '@airfill/schema';

/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A structured logger: one JSON object per line, with the fields bound so far (run id, job name...). */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /**
   * Emits metrics in CloudWatch embedded metric format: CloudWatch Logs turns
   * the line into metrics in namespace `airfill`, dimension `Step` (from the
   * bound `step` field, else `lambda`), and also by `Step` and `Parameter`
   * when a `parameter` field is bound; the bound fields (run id) ride along
   * as searchable properties.
   */
  metrics(values: Record<string, number | { value: number; unit: MetricUnit }>): void;
  /** A logger that adds `fields` to every line (e.g. `{ runId }`). */
  child(fields: Record<string, unknown>): Logger;
}

/** CloudWatch units the pipeline uses. */
export type MetricUnit = 'Count' | 'Milliseconds' | 'None';

export { METRICS_NAMESPACE };

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Errors do not survive JSON.stringify; keep what a reader needs. */
function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    const context = (value as { context?: unknown }).context;
    return { name: value.name, message: value.message, ...(context ? { context } : {}), ...(value.cause ? { cause: serialise(value.cause) } : {}) };
  }
  return value;
}

/**
 * Creates the logger the pipeline uses. In Lambda, stdout lines go to
 * CloudWatch Logs, where JSON lines can be queried by field (runId, jobName).
 * `write` is injectable so tests can read what was logged.
 */
export function createLogger(
  options: { level?: LogLevel; fields?: Record<string, unknown>; write?: (line: string) => void } = {},
): Logger {
  const threshold = ORDER[options.level ?? ((process.env.AIRFILL_LOG_LEVEL as LogLevel | undefined) ?? 'info')] ?? ORDER.info;
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const bound = options.fields ?? {};
  const log = (level: LogLevel) => (message: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[level] < threshold) return;
    const entries = Object.entries({ ...bound, ...fields }).map(([key, value]) => [key, serialise(value)]);
    write(JSON.stringify({ time: new Date().toISOString(), level, message, ...Object.fromEntries(entries) }));
  };
  const metrics = (values: Record<string, number | { value: number; unit: MetricUnit }>) => {
    const entries = Object.entries(values).map(([name, value]) => (typeof value === 'number' ? { name, value, unit: 'Count' as const } : { name, ...value }));
    const step = String(bound.step ?? bound.lambda ?? 'unknown');
    // A step working for one parameter also counts per parameter; the Step-only totals stay (the alarms use them).
    const parameter = typeof bound.parameter === 'string' ? bound.parameter : undefined;
    write(
      JSON.stringify({
        ...Object.fromEntries(Object.entries(bound).map(([key, value]) => [key, serialise(value)])),
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [
            {
              Namespace: METRICS_NAMESPACE,
              Dimensions: parameter === undefined ? [['Step']] : [['Step'], ['Step', 'Parameter']],
              Metrics: entries.map(({ name, unit }) => ({ Name: name, Unit: unit })),
            },
          ],
        },
        Step: step,
        ...(parameter === undefined ? {} : { Parameter: parameter }),
        ...Object.fromEntries(entries.map(({ name, value }) => [name, value])),
      }),
    );
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    metrics,
    child: (fields) => createLogger({ ...options, fields: { ...bound, ...fields } }),
  };
}

/** A logger that drops everything (for callers that do not want logs). */
export const silentLogger: Logger = createLogger({ write: () => undefined });
