/**
 * The airfill data model (DESIGN section 2) as drizzle tables. drizzle-kit
 * generates the SQL migrations in `migrations/` from these files.
 *
 * Readings are keyed by (sensor, parameter, ts) and never overwritten; a
 * prediction lives beside its reading in `imputations`. `readings` is range
 * partitioned by `ts`, one partition per UTC month: drizzle-kit cannot say
 * so, so migration 0006 (custom SQL) makes it so and the table below keeps
 * the columns, key and index every partition has.
 */
export { sensors, sensorChannels, readings, flagSeverity, flags, correctionAction, corrections } from './readings';
export { runStatus, runs, imputations, claims, runRefusals, liveChecks } from './pipeline';
export { modelStatus, models } from './registry';
export { alertKind, qualityAlerts, qualityChecks } from './quality';
export { trainingDecision, trainingRuns, promotionAction, modelPromotions } from './training';
export { readingsFilled } from './views';
