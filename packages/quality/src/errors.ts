import { AirfillError } from '@airfill/schema';

/** Base of every error the quality package raises on purpose. */
export class QualityError extends AirfillError {}

/** Quality-control settings that do not validate; `context.issues` lists each problem by path. */
export class QualityConfigError extends QualityError {}
