export { parseOffsetTimestamp, quoteCell, TIMESTAMP_YEARS, type TimestampParse } from './timestamp';
export { csvCell } from './csv-cell';
export {
  CSV_COLUMNS,
  REQUIRED_CSV_COLUMNS,
  DEFAULT_SENTINEL,
  makeCsvRowSchema,
  interpretValue,
  detachString,
  memoize,
  type CsvColumn,
  type CsvReading,
  type SensorMetadata,
} from './csv-row';
export { airfillConfigSchema, DEFAULT_MAX_LINE_LENGTH, DEFAULT_PARAMETER, type AirfillConfig } from './config';
export * from './lambda-env';
export * from './pipeline';
export * from './training';
export { AirfillError } from './errors';
export {
  DEFAULT_RANGES,
  makePlausibilityCheck,
  makeRangeLookup,
  describeOutOfRange,
  parameterKey,
  plausibilityConfigSchema,
  valueRangeSchema,
  type PlausibilityConfig,
  type PlausibilityConfigInput,
  type PlausibilityInput,
  type PlausibilityVerdict,
  type ValueRange,
  type ResolvedRange,
  type RangeLookup,
} from './plausibility';
export { seededRandom } from './random';
