import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { RejectsFile } from '@airfill/ingest';
import type { RejectedRow } from '@airfill/ingest';
import { endProgress, note } from './output';

/**
 * What `run` and `backfill` set up around the pipeline: the step log under
 * `<dataDir>/logs/`, a rejects file opened at the first rejected CSV row,
 * and Ctrl-C turned into an aborted execution (a second Ctrl-C exits at
 * once). `close()` undoes it all.
 */
export interface RunSession {
  logFile: string;
  log(line: string): void;
  onReject(row: RejectedRow): Promise<void>;
  /** Rows rejected so far, and where they are. */
  rejected(): { count: number; path: string | undefined };
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  close(): Promise<void>;
}

/** Opens a {@link RunSession} for `command` (the log file's prefix) on `dataDir`; `label` names the input in the rejects file. */
export async function openRunSession(dataDir: string, command: string, label: string): Promise<RunSession> {
  await mkdir(path.join(dataDir, 'logs'), { recursive: true });
  const logFile = path.join(dataDir, 'logs', `${command}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
  const log: WriteStream = createWriteStream(logFile);
  let rejects: RejectsFile | undefined;
  let count = 0;
  const interrupt = new AbortController();
  const onInterrupt = () => {
    if (interrupt.signal.aborted) {
      note('interrupted again: exiting now');
      process.exit(130);
    }
    note(`interrupted: ending the ${command} and stopping what it started (Ctrl-C again to exit at once)`);
    interrupt.abort();
  };
  process.on('SIGINT', onInterrupt);
  return {
    logFile,
    log: (line) => log.write(`${line}\n`),
    async onReject(row) {
      count += 1;
      if (!rejects) {
        await mkdir(path.join(dataDir, 'rejects'), { recursive: true });
        rejects = await RejectsFile.open(path.join(dataDir, 'rejects', `${label.replace(/\.csv(\.gz)?$/, '')}-${Date.now()}.csv`));
      }
      await rejects.write(row);
    },
    rejected: () => ({ count, path: rejects?.path }),
    signal: interrupt.signal,
    async close() {
      process.off('SIGINT', onInterrupt);
      endProgress();
      await rejects?.close();
      await new Promise((resolve) => log.end(resolve));
    },
  };
}
