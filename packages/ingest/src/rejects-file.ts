import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { RejectedRow } from './load';
import { toCsvLine } from './read-csv';

/**
 * The rejects file: one CSV line per rejected row, `line,column,reason,row`,
 * so a user can fix the rows and load just them again.
 */
export class RejectsFile {
  private readonly stream: WriteStream;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
    this.stream.write('line,column,reason,row\n');
  }

  /** Appends one rejected row (respecting back-pressure). */
  async write(reject: RejectedRow): Promise<void> {
    const ok = this.stream.write(`${toCsvLine([String(reject.line), reject.column, reject.reason, reject.row])}\n`);
    if (!ok) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
