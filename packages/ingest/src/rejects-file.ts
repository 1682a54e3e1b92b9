import { open } from 'node:fs/promises';
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { AirfillError } from '@airfill/schema';
import type { RejectedRow } from './load';
import { toCsvLine } from './read-csv';

/** The rejects file cannot be created or written. */
export class RejectsFileError extends AirfillError {}

/**
 * The rejects file: one CSV line per rejected row, `line,column,reason,row`,
 * so a user can fix the rows and load just them again. Opened before any
 * work (`RejectsFile.open`), so a path in a missing or unwritable folder
 * fails at once with a `RejectsFileError`; a write error later surfaces at
 * the next write or at `close`, never as an unhandled stream error.
 */
export class RejectsFile {
  private failure: Error | undefined;

  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
  ) {
    stream.on('error', (error) => (this.failure ??= error));
  }

  /** Creates (or truncates) the file and writes the header. */
  static async open(path: string): Promise<RejectsFile> {
    let handle;
    try {
      handle = await open(path, 'w');
    } catch (error) {
      throw new RejectsFileError(`cannot write the rejects file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'its folder does not exist' : (error as Error).message}`, { path }, { cause: error });
    }
    const file = new RejectsFile(path, handle.createWriteStream());
    await file.writeLine('line,column,reason,row');
    return file;
  }

  private async writeLine(text: string): Promise<void> {
    this.check();
    if (!this.stream.write(`${text}\n`)) await Promise.race([once(this.stream, 'drain'), once(this.stream, 'close')]);
    this.check();
  }

  private check(): void {
    if (this.failure) throw new RejectsFileError(`cannot write the rejects file ${this.path}: ${this.failure.message}`, { path: this.path }, { cause: this.failure });
  }

  /** Appends one rejected row (respecting back-pressure). */
  async write(reject: RejectedRow): Promise<void> {
    await this.writeLine(toCsvLine([String(reject.line), reject.column, reject.reason, reject.row]));
  }

  /** Flushes and closes the file; reports a write that failed. */
  async close(): Promise<void> {
    if (!this.stream.closed) {
      this.stream.end();
      await Promise.race([once(this.stream, 'close'), once(this.stream, 'error').catch(() => undefined)]);
    }
    this.check();
  }
}
