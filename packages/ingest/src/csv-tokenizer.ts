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

/** A record that is not valid CSV (or too long to read), and why. `text` is the record, or for a line too long its start. */
export interface CsvTokenError {
  line: number;
  error: string;
  text: string;
  /** The line was longer than the limit: `error` says so in full, `text` is an excerpt. */
  tooLong?: true;
}

/** Options of {@link tokenizeCsv}. */
export interface TokenizeOptions {
  /** Longest line (or record spanning lines), in characters; longer ones are rejected as they stream by, never held. @default 65536 */
  maxLineLength?: number;
}

/** How much of a line too long to keep for the reject. */
const EXCERPT = 200;

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
export async function* tokenizeCsv(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  options: TokenizeOptions = {},
): AsyncGenerator<CsvTokenEntry[]> {
  const maxLineLength = options.maxLineLength ?? 64 * 1024;
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let lineNumber = 0;
  let first = true;
  /** Inside a line too long, already reported: its text is dropped up to the next newline. */
  let skipping = false;
  /** Lines of a record whose quotes are not balanced yet. */
  let pending: string[] = [];
  let pendingStart = 0;
  let pendingQuotes = 0;
  let pendingLength = 0;

  /** Reports a line (or the record it continues) as too long. */
  const tooLong = (text: string, number: number, out: CsvTokenEntry[]): void => {
    const start = pending.length > 0 ? pendingStart : number;
    const excerpt = pending.length > 0 ? pending[0]! : text;
    pending = [];
    pendingLength = 0;
    out.push({
      line: start,
      error: `line is longer than ${maxLineLength.toLocaleString('en-US')} characters (the limit; raise it with --max-line-length)`,
      text: excerpt.length > EXCERPT ? `${excerpt.slice(0, EXCERPT)}…` : excerpt,
      tooLong: true,
    });
  };

  const takeLine = (line: string, number: number, out: CsvTokenEntry[]): void => {
    if (line.length > maxLineLength || pendingLength + line.length > maxLineLength) {
      tooLong(line, number, out);
      return;
    }
    if (pending.length > 0) {
      pending.push(line);
      pendingLength += line.length + 1;
      pendingQuotes += countQuotes(line);
      if (pendingQuotes % 2 === 0) {
        const text = pending.join('\n');
        pending = [];
        pendingLength = 0;
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
    pendingLength = line.length + 1;
  };

  /** The open quote never closed: report its line and read the lines after it afresh. */
  const abandonPending = (out: CsvTokenEntry[]): void => {
    const [firstLine, ...rest] = pending;
    const start = pendingStart;
    pending = [];
    pendingLength = 0;
    out.push({ line: start, error: 'a quoted field is not closed', text: firstLine ?? '' });
    rest.forEach((line, offset) => takeLine(line, start + 1 + offset, out));
  };

  const takeText = (text: string, final: boolean): CsvTokenEntry[] => {
    const out: CsvTokenEntry[] = [];
    let start = 0;
    if (skipping) {
      const newline = text.indexOf('\n');
      if (newline === -1) {
        carry = '';
        return out;
      }
      skipping = false;
      start = newline + 1;
    }
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      lineNumber += 1;
      takeLine(text.slice(start, end), lineNumber, out);
      start = newline + 1;
    }
    carry = text.slice(start);
    if (carry.length > maxLineLength) {
      // No newline in sight: report the line now and drop the rest of it as it arrives.
      lineNumber += 1;
      tooLong(carry, lineNumber, out);
      carry = '';
      skipping = !final;
    }
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
