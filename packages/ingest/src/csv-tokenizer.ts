/**
 * A streaming CSV tokenizer (RFC 4180: comma separator, double-quote quoting,
 * "" for a quote inside quotes, fields may span lines), built for speed on the
 * common case: a line without quotes is split in one call. It never throws on
 * bad input: a malformed record becomes an error entry with its line, and
 * reading goes on at the next line, so one bad row cannot sink a file.
 */

/** A record: its cells and the line it starts on (1-based). */
export interface CsvTokens {
  line: number;
  cells: string[];
}

/** A record that is not valid CSV, and why. */
export interface CsvTokenError {
  line: number;
  error: string;
  text: string;
}

export type CsvTokenEntry = CsvTokens | CsvTokenError;

/** A quoted field may span lines, but not without bound: past this, the quote is taken as never closed. */
const MAX_RECORD_LINES = 200;

/** Splits one logical record (quotes balanced) into cells, or says what is wrong with it. */
export function splitQuotedRecord(text: string): string[] | string {
  const cells: string[] = [];
  let index = 0;
  const length = text.length;
  for (;;) {
    if (text.charCodeAt(index) === 34 /* " */) {
      let cell = '';
      let from = index + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1) return 'a quoted field is not closed';
        if (text.charCodeAt(quote + 1) === 34) {
          cell += text.slice(from, quote + 1);
          from = quote + 2;
          continue;
        }
        cell += text.slice(from, quote);
        index = quote + 1;
        break;
      }
      cells.push(cell);
      if (index === length) return cells;
      if (text.charCodeAt(index) !== 44 /* , */) return `unexpected text after a closing quote in field ${cells.length}`;
      index += 1;
    } else {
      const comma = text.indexOf(',', index);
      if (comma === -1) {
        cells.push(text.slice(index));
        return cells;
      }
      cells.push(text.slice(index, comma));
      index = comma + 1;
    }
  }
}

function countQuotes(text: string): number {
  let count = 0;
  for (let at = text.indexOf('"'); at !== -1; at = text.indexOf('"', at + 1)) count += 1;
  return count;
}

/**
 * Tokenizes a stream of bytes (UTF-8; a leading BOM is dropped; CRLF or LF).
 * Yields the records of each chunk as one array, to keep per-record overhead
 * low. Empty lines are skipped. Invalid UTF-8 becomes U+FFFD in the cells,
 * for the caller to reject.
 */
export async function* tokenizeCsv(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): AsyncGenerator<CsvTokenEntry[]> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let lineNumber = 0;
  let first = true;
  /** Lines of a record whose quotes are not balanced yet. */
  let pending: string[] = [];
  let pendingStart = 0;
  let pendingQuotes = 0;

  const takeLine = (line: string, number: number, out: CsvTokenEntry[]): void => {
    if (pending.length > 0) {
      pending.push(line);
      pendingQuotes += countQuotes(line);
      if (pendingQuotes % 2 === 0) {
        const text = pending.join('\n');
        pending = [];
        const cells = splitQuotedRecord(text);
        out.push(typeof cells === 'string' ? { line: pendingStart, error: cells, text } : { line: pendingStart, cells });
      } else if (pending.length > MAX_RECORD_LINES) {
        abandonPending(out);
      }
      return;
    }
    if (line.length === 0 || (line.length < 8 && line.trim() === '')) return;
    if (line.indexOf('"') === -1) {
      out.push({ line: number, cells: line.split(',') });
      return;
    }
    const quotes = countQuotes(line);
    if (quotes % 2 === 0) {
      const cells = splitQuotedRecord(line);
      out.push(typeof cells === 'string' ? { line: number, error: cells, text: line } : { line: number, cells });
      return;
    }
    pending = [line];
    pendingStart = number;
    pendingQuotes = quotes;
  };

  /** The open quote never closed: report its line and read the lines after it afresh. */
  const abandonPending = (out: CsvTokenEntry[]): void => {
    const [firstLine, ...rest] = pending;
    const start = pendingStart;
    pending = [];
    out.push({ line: start, error: 'a quoted field is not closed', text: firstLine ?? '' });
    rest.forEach((line, offset) => takeLine(line, start + 1 + offset, out));
  };

  const takeText = (text: string, final: boolean): CsvTokenEntry[] => {
    const out: CsvTokenEntry[] = [];
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      lineNumber += 1;
      takeLine(text.slice(start, end), lineNumber, out);
      start = newline + 1;
    }
    carry = text.slice(start);
    if (final) {
      if (carry.length > 0) {
        lineNumber += 1;
        takeLine(carry.endsWith('\r') ? carry.slice(0, -1) : carry, lineNumber, out);
        carry = '';
      }
      while (pending.length > 0) abandonPending(out);
    }
    return out;
  };

  for await (const chunk of source) {
    let text = carry + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const out = takeText(text, false);
    if (out.length > 0) yield out;
  }
  const out = takeText(carry + decoder.decode(), true);
  if (out.length > 0) yield out;
}
