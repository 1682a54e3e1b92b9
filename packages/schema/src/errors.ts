/**
 * Base of every error airfill raises on purpose. It carries the context the
 * logs need (run id, file, line...), and its `name` is its class name: Step
 * Functions' Retry and Catch match on it, and bundles keep class names for it.
 * Each package derives its own base (DatabaseError, ModelError, PipelineError...).
 */
export class AirfillError extends Error {
  constructor(
    message: string,
    /** What it takes to find the cause: ids, paths, counts. */
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
