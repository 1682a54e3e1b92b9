/**
 * SageMaker batch transform's DataProcessing for CSV records: the JSONPath
 * subset SageMaker documents for CSV (`$`, `$[a:b]`, `$[i,j,...]`, negative
 * indices from the end), applied to a record's cells.
 */
export class DataProcessingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataProcessingError';
  }
}

/** A filter compiled from its JSONPath text; returns the selected cells. */
export type CellFilter = (cells: readonly string[]) => string[];

const SLICE = /^\$\[\s*(-?\d+)?\s*:\s*(-?\d+)?\s*\]$/;
const INDICES = /^\$\[\s*-?\d+\s*(,\s*-?\d+\s*)*\]$/;

/** Compiles `$`, `$[1:]`, `$[0,-1]` and the like; anything else is refused (as SageMaker refuses it). */
export function compileFilter(expression: string | undefined): CellFilter {
  const text = (expression ?? '$').trim();
  if (text === '$') return (cells) => [...cells];
  const slice = SLICE.exec(text);
  if (slice) {
    const start = slice[1] === undefined ? undefined : Number(slice[1]);
    const end = slice[2] === undefined ? undefined : Number(slice[2]);
    return (cells) => cells.slice(start, end);
  }
  if (INDICES.test(text)) {
    const indices = text.slice(2, -1).split(',').map((part) => Number(part.trim()));
    return (cells) =>
      indices.map((index) => {
        const cell = cells[index < 0 ? cells.length + index : index];
        if (cell === undefined) throw new DataProcessingError(`${text} selects cell ${index} of a record with ${cells.length} cells`);
        return cell;
      });
  }
  throw new DataProcessingError(`unsupported filter for CSV records: ${text}`);
}
