import { AirfillError } from '@airfill/schema';

/** Base of every error the data layer raises on purpose. */
export class DatabaseError extends AirfillError {}

/** The database could not be reached or started; usually worth a retry. */
export class DatabaseUnavailableError extends DatabaseError {}

/** A request the data layer refuses (bad arguments, wrong state). Retrying will not help. */
export class DatabaseInputError extends DatabaseError {}
