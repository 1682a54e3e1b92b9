/**
 * How the CLI talks: results on stdout (so they can be piped), progress and
 * diagnostics on stderr. Progress redraws one line on a terminal and prints
 * plain lines otherwise (CI logs).
 */
const interactive = Boolean(process.stderr.isTTY);
let lineOpen = false;

/** A progress message on stderr; on a terminal the next one replaces it. */
export function progressLine(message: string): void {
  if (interactive) {
    process.stderr.write(`\r\x1b[2K${message}`);
    lineOpen = true;
  } else {
    process.stderr.write(`${message}\n`);
  }
}

/** Ends a redrawn progress line so the next output starts on a fresh line. */
export function endProgress(): void {
  if (lineOpen) process.stderr.write('\n');
  lineOpen = false;
}

/** A diagnostic on stderr. */
export function note(message: string): void {
  endProgress();
  process.stderr.write(`${message}\n`);
}

/** Calls `fn` at most once per `ms`, always for the last call (`flush`). */
export function throttle<A extends unknown[]>(ms: number, fn: (...args: A) => void): ((...args: A) => void) & { flush(): void } {
  let last = 0;
  let pending: A | undefined;
  const throttled = (...args: A) => {
    const now = Date.now();
    if (now - last >= ms) {
      last = now;
      pending = undefined;
      fn(...args);
    } else {
      pending = args;
    }
  };
  throttled.flush = () => {
    if (pending) fn(...pending);
    pending = undefined;
  };
  return throttled;
}

/** Formats a table of rows as aligned text columns. */
export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '))
    .join('\n');
}
