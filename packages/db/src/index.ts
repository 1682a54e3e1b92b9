export * as schema from './schema';
export {
  sensors,
  sensorChannels,
  readings,
  flags,
  corrections,
  imputations,
  runs,
  claims,
  runRefusals,
  models,
  trainingRuns,
  modelPromotions,
  readingsFilled,
  qualityAlerts,
  qualityChecks,
} from './schema';
export {
  connect,
  connectionSettingsFromEnv,
  poolConfig,
  type ConnectionSettings,
  type Database,
} from './connection';
export {
  startEmbeddedPostgres,
  stopAllEmbedded,
  EmbeddedPostgresError,
  EmbeddedPostgresInUseError,
  DEFAULT_BINARY_CACHE,
  DEFAULT_CLUSTERS_DIR,
  POINTER_FILE,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
} from './embedded';
export { openDatabase, type OpenDatabaseOptions, type OpenedDatabase } from './open';
export { runMigrations, MIGRATIONS_FOLDER } from './migrate';
export { inTransaction } from './transaction';
export { DatabaseError, DatabaseInputError, DatabaseUnavailableError } from './errors';
export { readStatus, summariseGapsBySensor, listParameters, requireStoredParameter, type StatusReport, type ParameterCounts, type SensorGapSummary } from './queries/status';
export { correctReadings, MANUAL_CHECK, type CorrectionAction, type CorrectionRequest, type CorrectionResult } from './queries/corrections';
export { recordRefusals, listRefusals, type Refusal } from './queries/refusals';
export {
  findMissingReadings,
  claimMissingReadings,
  claimsHeldElsewhere,
  countMissingPerHour,
  type ClaimsHeldElsewhere,
  type MissingPerHour,
  type MissingReading,
  type MissingReadingsQuery,
  type ClaimQuery,
} from './queries/missing';
export {
  ensureReadingsPartitions,
  ensurePartitionsAhead,
  listReadingsPartitions,
  PARTITIONS_AHEAD_MONTHS,
  type Queryable,
  type ReadingsPartition,
} from './queries/partitions';
export {
  writeImputations,
  splitBySensor,
  ImputationWriteIncompleteError,
  DEFAULT_WRITE_TRANSACTIONS,
  type Imputation,
  type ImputationWriteResult,
  type WriteImputationsOptions,
} from './queries/imputations';
export { openRun, getRun, recordRunProgress, completeRun, failRun, type Run, type OpenRunInput } from './queries/runs';
export { readFeatureContext, findUnknownDevices, listChannelSites, countRunImputations, latestObservedAt, type ContextSensors, type ContextSite, type ContextSeries } from './queries/context';
export {
  registerModel,
  getModel,
  getCurrentModel,
  listModels,
  promoteModel,
  rollbackModel,
  rollbackTargetOf,
  listPromotions,
  CurrentModelMovedError,
  type RegisteredModel,
  type RegisterModelInput,
  type PromotionChange,
  type ModelPromotion,
  type Rollback,
  type RollbackChange,
} from './queries/models';
export {
  gateOf,
  modelPackageArnOf,
  promoteOnRequest,
  rollbackOnRequest,
  PromotionRefusedError,
  type GateVerdict,
  type CurrentModelChange,
  type PromotionRequest,
  type RollbackRequest,
} from './queries/model-changes';
export {
  readDailyCompleteness,
  summariseCompleteness,
  completenessRatio,
  FALLBACK_CADENCE_SECONDS,
  CADENCE_SAMPLE,
  DAILY_OBJECTIVE,
  type DailyCompleteness,
  type CompletenessQuery,
  type CompletenessSummary,
  type ParameterCompleteness,
  type SensorCompleteness,
} from './queries/completeness';
export { readingsSpan, lastCheckedUntil, readQualityWindow, type QualityWindow } from './queries/quality-window';
export {
  startQualityCheck,
  writeQualityFlags,
  finishQualityCheck,
  getQualityCheck,
  type FoundFlag,
  type FlagWriteResult,
  type QualityCheckStart,
  type QualityCheckRecord,
} from './queries/quality-checks';
export { recordAlerts, listAlerts, type AlertKindName, type FoundEpisode, type StoredAlertSpan, type AlertChanges, type StoredAlert } from './queries/quality-alerts';
export { iterateFlags, countOpenFlags, type StoredFlag, type FlagFilter, type FlagCount } from './queries/flags';
export {
  openTrainingRun,
  getTrainingRun,
  completeTrainingRun,
  failTrainingRun,
  listTrainingRuns,
  readTrainingData,
  type TrainingRun,
  type TrainingSite,
  type TrainingObservation,
} from './queries/training';
export { recordLiveCheck, setLiveCheckDrift, listLiveChecks, summariseLiveChecks, type LiveCheckRow, type LiveCheckInput, type LiveSummary } from './queries/live-checks';
