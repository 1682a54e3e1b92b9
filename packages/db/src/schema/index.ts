/**
 * The airfill data model (DESIGN section 2) as drizzle tables. drizzle-kit
 * generates the SQL migrations in `migrations/` from these files.
 *
 * Readings are keyed by (sensor, parameter, ts) and never overwritten; a
 * prediction lives beside its reading in `imputations`. At 100M+ readings the
 * path is range partitioning of `readings` by `ts` (monthly); not done yet.
 */
export { sensors, sensorChannels, readings, flagSeverity, flags, correctionAction, corrections } from './readings';
export { runStatus, runs, imputations, claims, runRefusals } from './pipeline';
export { modelStatus, models } from './registry';
export { alertKind, qualityAlerts, qualityChecks } from './quality';
export { readingsFilled } from './views';
