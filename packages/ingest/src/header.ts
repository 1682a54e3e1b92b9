import { CSV_COLUMNS, REQUIRED_CSV_COLUMNS, type CsvColumn } from '@airfill/schema';
import { CsvFormatError } from './errors';

/** Where each known column sits in a file's rows, and which columns were not recognised. */
export interface CsvHeader {
  positions: ReadonlyMap<CsvColumn, number>;
  unknownColumns: string[];
  width: number;
}

const KNOWN = new Set<string>(CSV_COLUMNS);

/**
 * Reads the header row: names are matched case-insensitively, surrounding
 * spaces ignored. A duplicated known column or a missing required one makes
 * the file unusable; unknown columns are ignored (and reported).
 */
export function parseHeader(cells: readonly string[], path: string): CsvHeader {
  const positions = new Map<CsvColumn, number>();
  const unknownColumns: string[] = [];
  cells.forEach((cell, index) => {
    const name = cell.trim().toLowerCase();
    if (!KNOWN.has(name)) {
      unknownColumns.push(cell);
      return;
    }
    const column = name as CsvColumn;
    if (positions.has(column)) {
      throw new CsvFormatError(`${path}: the header names column "${column}" twice (columns ${positions.get(column)! + 1} and ${index + 1})`, {
        path,
        line: 1,
        column,
      });
    }
    positions.set(column, index);
  });
  const missing = REQUIRED_CSV_COLUMNS.filter((column) => !positions.has(column));
  if (missing.length > 0) {
    const seen = cells.slice(0, 20).join(',');
    throw new CsvFormatError(
      `${path}: required column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')} missing from the header (found: ${seen.length > 200 ? `${seen.slice(0, 200)}...` : seen})`,
      { path, line: 1, missing },
    );
  }
  return { positions, unknownColumns, width: cells.length };
}
