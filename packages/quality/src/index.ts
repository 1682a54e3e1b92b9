export { runQualityChecks, parseQualityConfig, type QualityInput, type QualityResult, type ChannelType } from './run';
export { dailyCompleteness, type DailyCompleteness, type CompletenessOptions } from './completeness';
export {
  qualityConfigSchema,
  faultConstantRuleSchema,
  DEFAULT_FAULT_CONSTANTS,
  type QualityConfig,
  type QualityConfigInput,
  type FaultConstantRule,
  type StuckSettings,
  type SpikeSettings,
  type DriftSettings,
  type AlertSettings,
} from './config';
export { DEFAULT_PARAMETER_SETTINGS, parameterKey, type ParameterSettings } from './parameters';
export { QUALITY_CHECKS, type QualityCheck, type QualityFlag, type FlagSeverity, type SeriesFlag } from './flags';
export { checkRange } from './checks/range';
export { checkFaultConstants, faultConstantsFor, type FaultConstant } from './checks/fault-constant';
export { checkStuck, type StuckScope } from './checks/stuck';
export { checkSpikes, excursionsOf, type Excursions, type Witness, type SpikeScope } from './checks/spike';
export { checkDrift, type DriftScope } from './checks/drift';
export { QualityError, QualityConfigError } from './errors';
export { findAlertEpisodes, ALERT_KINDS, type AlertEpisode, type AlertKind, type EpisodeInput } from './alerts/episodes';
export { reconcileAlerts, type RaisedAlert, type AlertDecision } from './alerts/reconcile';
export { channelCadence } from './completeness';
export { forEachReading, countReadings, type ReadingsInput } from './readings';
