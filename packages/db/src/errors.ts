/** Base of every error the data layer raises on purpose; carries context for logs. */
export class DatabaseError extends Error {
  constructor(
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The database could not be reached or started; usually worth a retry. */
export class DatabaseUnavailableError extends DatabaseError {}

/** A request the data layer refuses (bad arguments, wrong state). Retrying will not help. */
export class DatabaseInputError extends DatabaseError {}
