export * as schema from './schema';
export { sensors, sensorChannels, readings, imputations, runs, claims, models, readingsFilled } from './schema';
export {
  connect,
  connectionSettingsFromEnv,
  poolConfig,
  type ConnectionSettings,
  type Database,
} from './connection';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded';
export { openDatabase, type OpenDatabaseOptions, type OpenedDatabase } from './open';
export { runMigrations, MIGRATIONS_FOLDER } from './migrate';
export { DatabaseError, DatabaseInputError, DatabaseUnavailableError } from './errors';
export { readStatus, summariseGapsBySensor, type StatusReport, type ParameterCounts, type SensorGapSummary } from './queries/status';
export {
  findMissingReadings,
  claimMissingReadings,
  type MissingReading,
  type MissingReadingsQuery,
  type ClaimQuery,
} from './queries/missing';
export { writeImputations, type Imputation, type ImputationWriteResult } from './queries/imputations';
export { openRun, getRun, recordRunProgress, completeRun, failRun, type Run, type OpenRunInput } from './queries/runs';
export { readFeatureContext, countRunImputations, type ContextSite, type ContextObservation } from './queries/context';
export {
  registerModel,
  getModel,
  getCurrentModel,
  listModels,
  promoteModel,
  type RegisteredModel,
  type RegisterModelInput,
} from './queries/models';
