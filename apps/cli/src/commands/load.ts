import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_SENTINEL } from '@airfill/schema';
import { loadReadingsCsv, RejectsFile, type LoadSummary, type RejectedRow } from '@airfill/ingest';
import { addDatabaseOptions, withDatabase, type DatabaseFlags } from '../database-options';
import { EXIT } from '../errors';
import { endProgress, note, progressLine, throttle } from '../output';
import { userPath } from '../paths';

interface LoadFlags extends DatabaseFlags {
  rejects?: string;
  sentinel: number;
  batchSize: number;
  json?: boolean;
}

const SHOWN_REJECTS = 20;

/** Parses a numeric flag, refusing what is not a number. */
export function numberFlag(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError(`"${text}" is not a number`);
  return value;
}

/** Parses a positive whole-number flag. */
export function countFlag(text: string): number {
  const value = numberFlag(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`"${text}" is not a positive whole number`);
  return value;
}

/**
 * Loads one CSV file, reporting progress, writing rejects to a file and
 * summarising them on stderr. Returns the exit code.
 */
export async function runLoad(file: string, flags: LoadFlags): Promise<number> {
  const csvPath = userPath(file);
  const shown: RejectedRow[] = [];
  let rejectsFile: RejectsFile | undefined = flags.rejects ? new RejectsFile(userPath(flags.rejects)) : undefined;
  const defaultRejectsPath = () =>
    path.join(userPath(flags.dataDir), 'rejects', `${path.basename(csvPath).replace(/\.csv(\.gz)?$/, '')}-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`);
  const report = throttle(1000, (rows: number, done: number) =>
    progressLine(`loading ${path.basename(csvPath)}: ${rows.toLocaleString('en-US')} rows${done > 0 ? ` (${Math.round(done * 100)}% of the file)` : ''}`),
  );
  let summary: LoadSummary;
  try {
    summary = await withDatabase(flags, async (database) => {
      const { mkdir } = await import('node:fs/promises');
      return loadReadingsCsv(database, csvPath, {
        sentinel: flags.sentinel,
        batchSize: flags.batchSize,
        onHeader: (header) => {
          if (header.unknownColumns.length > 0) note(`note: ignoring unknown column(s): ${header.unknownColumns.join(', ')}`);
        },
        onProgress: (progress) => report(progress.rowsRead, progress.totalBytes ? progress.bytesRead / progress.totalBytes : 0),
        onReject: async (reject) => {
          if (shown.length < SHOWN_REJECTS) shown.push(reject);
          if (!rejectsFile) {
            const target = defaultRejectsPath();
            await mkdir(path.dirname(target), { recursive: true });
            rejectsFile = new RejectsFile(target);
          }
          await rejectsFile.write(reject);
        },
      });
    });
  } finally {
    report.flush();
    endProgress();
    await rejectsFile?.close();
  }
  printSummary(summary, shown, rejectsFile?.path, flags.json ?? false);
  return summary.rejected > 0 ? EXIT.rejected : EXIT.ok;
}

function printSummary(summary: LoadSummary, shown: RejectedRow[], rejectsPath: string | undefined, json: boolean): void {
  if (json) {
    console.log(JSON.stringify({ ...summary, rejectsFile: rejectsPath ?? null }));
  } else {
    console.log(
      `loaded ${path.basename(summary.path)} in ${summary.seconds.toFixed(1)} s: ${summary.rows.toLocaleString('en-US')} rows, ` +
        `${summary.inserted.toLocaleString('en-US')} new readings, ${summary.unchanged.toLocaleString('en-US')} already stored, ` +
        `${summary.rejected.toLocaleString('en-US')} rejected; ${summary.missing.toLocaleString('en-US')} missing values; ` +
        `${summary.sensors} sensors; parameters: ${summary.parameters.join(', ') || 'none'}`,
    );
  }
  if (summary.rejected > 0) {
    note(`${summary.rejected.toLocaleString('en-US')} row(s) rejected; the valid rows were loaded.`);
    for (const reject of shown) note(`  line ${reject.line}${reject.column ? `, column ${reject.column}` : ''}: ${reject.reason}`);
    if (summary.rejected > shown.length) note(`  ... and ${(summary.rejected - shown.length).toLocaleString('en-US')} more`);
    if (rejectsPath) note(`every rejected row is in ${rejectsPath}`);
  }
}

/** `airfill load <file.csv>` */
export function register(program: Command): void {
  addDatabaseOptions(
    program
      .command('load')
      .description('load a CSV file of readings (plain or .gz) into the database; loading the same file again changes nothing')
      .argument('<file>', 'CSV file in the input contract')
      .option('--rejects <file>', 'write every rejected row (line, column, reason, row) to this CSV file')
      .option('--sentinel <number>', 'value that means "no reading"', numberFlag, DEFAULT_SENTINEL)
      .option('--batch-size <rows>', 'rows per database batch', countFlag, 20_000)
      .option('--json', 'print the summary as JSON'),
  ).action(async (file: string, flags: LoadFlags) => {
    process.exitCode = await runLoad(file, flags);
  });
}
