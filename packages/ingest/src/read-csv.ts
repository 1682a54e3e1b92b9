import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { PlausibilityConfigInput } from '@airfill/schema';
import { tokenizeCsv, type CsvTokenEntry } from './csv-tokenizer';
import { CsvFormatError } from './errors';
import { parseHeader, type CsvHeader } from './header';
import { RowReader, type CsvRecord } from './row-reader';

export { toCsvLine, type CsvRecord, type ValueVerdict } from './row-reader';

/** Options for {@link readReadingsCsv}. */
export interface ReadCsvOptions {
  /** The value meaning "no reading". @default 65535 */
  sentinel?: number | undefined;
  /** Told once the header is read (e.g. to warn about unknown columns). */
  onHeader?: ((header: CsvHeader) => void) | undefined;
  /** Told about bytes read so far (of the file on disk, compressed for .gz), for progress. */
  onBytes?: ((bytesRead: number, totalBytes: number) => void) | undefined;
  /** Longest line, in characters; a longer one is rejected without being held in memory. @default 65536 */
  maxLineLength?: number | undefined;
  /** Physical ranges and extra sentinels (over the defaults). @default the defaults */
  plausibility?: PlausibilityConfigInput | undefined;
}

const INVALID_UTF8 = '\uFFFD';

function openSource(path: string): { file: ReadStream; source: Readable } {
  // Small chunks keep the records in flight few enough to die young (fewer, cheaper garbage collections).
  const file = createReadStream(path, { highWaterMark: 1 << 16 });
  if (!path.endsWith('.gz')) return { file, source: file };
  const gunzip = createGunzip();
  file.on('error', (error) => gunzip.destroy(error));
  return { file, source: file.pipe(gunzip) };
}

/**
 * Streams a CSV file in the input contract (plain or .gz) in bounded memory
 * and yields its data rows in batches (one per chunk read), each row a
 * validated reading or a reject with line number, column and reason. Throws
 * {@link CsvFormatError} when the file as a whole is unusable: missing or
 * unreadable, empty, not text, or its header lacks required columns.
 */
export async function* readReadingsCsvBatches(path: string, options: ReadCsvOptions = {}): AsyncGenerator<CsvRecord[]> {
  const totalBytes = await stat(path).then(
    (stats) => stats.size,
    (error: unknown) => {
      throw new CsvFormatError(`${path}: cannot read the file (${(error as Error).message})`, { path }, { cause: error });
    },
  );
  const { file, source } = openSource(path);
  let header: CsvHeader | undefined;
  let reader: RowReader | undefined;
  try {
    for await (const entries of tokenizeCsv(source, { maxLineLength: options.maxLineLength })) {
      let start = 0;
      if (!header) {
        header = readHeader(entries[0]!, path);
        reader = new RowReader(header, options);
        options.onHeader?.(header);
        start = 1;
      }
      const records: CsvRecord[] = new Array(entries.length - start);
      for (let index = start; index < entries.length; index += 1) {
        const entry = entries[index]!;
        records[index - start] =
          'error' in entry ? { kind: 'reject', line: entry.line, column: '', reason: entry.tooLong ? entry.error : `not valid CSV: ${entry.error}`, row: entry.text } : reader!.read(entry);
      }
      options.onBytes?.(file.bytesRead, totalBytes);
      if (records.length > 0) yield records;
    }
  } catch (error) {
    if (error instanceof CsvFormatError) throw error;
    throw new CsvFormatError(`${path}: cannot be read (${(error as Error).message})`, { path }, { cause: error });
  } finally {
    source.destroy();
  }
  if (!header) throw new CsvFormatError(`${path}: the file is empty (no header row)`, { path });
}

/** Like {@link readReadingsCsvBatches}, one row at a time. */
export async function* readReadingsCsv(path: string, options: ReadCsvOptions = {}): AsyncGenerator<CsvRecord> {
  for await (const batch of readReadingsCsvBatches(path, options)) yield* batch;
}

function readHeader(entry: CsvTokenEntry, path: string): CsvHeader {
  if ('error' in entry) throw new CsvFormatError(`${path}: the header (line ${entry.line}) is not valid CSV: ${entry.error}`, { path, line: entry.line });
  if (entry.cells.some((cell) => cell.includes(INVALID_UTF8) || cell.includes('\u0000'))) {
    throw new CsvFormatError(`${path}: the header is not readable text (binary, or not UTF-8)`, { path, line: entry.line });
  }
  return parseHeader(entry.cells, path);
}

