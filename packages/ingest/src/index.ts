export { readReadingsCsv, readReadingsCsvBatches, toCsvLine, type CsvRecord, type ReadCsvOptions, type ValueVerdict } from './read-csv';
export { loadReadingsCsv, type LoadOptions, type LoadProgress, type LoadSummary, type RejectedRow } from './load';
export { RejectsFile, RejectsFileError } from './rejects-file';
export { parseHeader, type CsvHeader } from './header';
export { CsvFormatError } from './errors';
export { tokenizeCsv, splitQuotedRecord, type CsvTokenEntry, type CsvTokens, type CsvTokenError, type TokenizeOptions } from './csv-tokenizer';
