export { parseOffsetTimestamp, type TimestampParse } from './timestamp';
export {
  CSV_COLUMNS,
  REQUIRED_CSV_COLUMNS,
  DEFAULT_SENTINEL,
  makeCsvRowSchema,
  interpretValue,
  detachString,
  type CsvColumn,
  type CsvReading,
  type SensorMetadata,
} from './csv-row';
export { airfillConfigSchema, DEFAULT_PARAMETER, type AirfillConfig } from './config';
export * from './lambda-env';
export * from './pipeline';
export { AirfillError } from './errors';
