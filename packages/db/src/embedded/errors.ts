import { DatabaseUnavailableError } from '../errors';

/** Embedded PostgreSQL could not be prepared or started (binaries, user, cluster, server). */
export class EmbeddedPostgresError extends DatabaseUnavailableError {}

/** Another live airfill process holds the data directory's cluster. */
export class EmbeddedPostgresInUseError extends EmbeddedPostgresError {}
