import { access, constants, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { CsvFormatError, loadReadingsCsv, RejectsFile, type LoadSummary, type RejectedRow } from '@airfill/ingest';
import { addDatabaseOptions, databaseTarget, withDatabase, type DatabaseFlags } from '../database-options';
import { EXIT } from '../errors';
import { addInputOptions, countFlag, readPlausibility, type InputFlags } from '../input-options';
import { endProgress, note, progressLine, throttle } from '../output';
import { userPath } from '../paths';

interface LoadFlags extends DatabaseFlags, InputFlags {
  rejects?: string;
  batchSize: number;
  json?: boolean;
}

const SHOWN_REJECTS = 20;

/** Fails before any work when the file cannot be read: nothing is started, nothing loaded. */
export async function requireReadable(file: string): Promise<void> {
  try {
    await access(file, constants.R_OK);
  } catch (error) {
    throw new CsvFormatError(`${file}: cannot read the file (${(error as Error).message})`, { path: file }, { cause: error });
  }
}

/**
 * Loads one CSV file, reporting progress, writing rejects to a file and
 * summarising them on stderr. Every argument is checked before the
 * database starts. Returns the exit code: 0 all loaded, 1 some rows rejected.
 */
export async function runLoad(file: string, flags: LoadFlags): Promise<number> {
  const csvPath = userPath(file);
  databaseTarget(flags);
  await requireReadable(csvPath);
  const plausibility = await readPlausibility(flags.plausibility);
  const shown: RejectedRow[] = [];
  let rejectsFile: RejectsFile | undefined = flags.rejects ? await RejectsFile.open(userPath(flags.rejects)) : undefined;
  const defaultRejectsPath = () =>
    path.join(userPath(flags.dataDir), 'rejects', `${path.basename(csvPath).replace(/\.csv(\.gz)?$/, '')}-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`);
  const report = throttle(1000, (rows: number, done: number) =>
    progressLine(`loading ${path.basename(csvPath)}: ${rows.toLocaleString('en-US')} rows${done > 0 ? ` (${Math.round(done * 100)}% of the file)` : ''}`),
  );
  let summary: LoadSummary;
  try {
    summary = await withDatabase(flags, (database) =>
      loadReadingsCsv(database, csvPath, {
        sentinel: flags.sentinel,
        batchSize: flags.batchSize,
        maxLineLength: flags.maxLineLength,
        ...(plausibility ? { plausibility } : {}),
        onHeader: (header) => {
          if (header.unknownColumns.length > 0) note(`note: ignoring unknown column(s): ${header.unknownColumns.join(', ')}`);
        },
        onProgress: (progress) => report(progress.rowsRead, progress.totalBytes ? progress.bytesRead / progress.totalBytes : 0),
        onReject: async (reject) => {
          if (shown.length < SHOWN_REJECTS) shown.push(reject);
          if (!rejectsFile) {
            const target = defaultRejectsPath();
            await mkdir(path.dirname(target), { recursive: true });
            rejectsFile = await RejectsFile.open(target);
          }
          await rejectsFile.write(reject);
        },
      }),
    );
  } finally {
    report.flush();
    endProgress();
    await rejectsFile?.close();
  }
  printSummary(summary, shown, rejectsFile?.path, flags.json ?? false);
  return summary.rejected > 0 ? EXIT.rejected : EXIT.ok;
}

const n = (value: number) => value.toLocaleString('en-US');

function printSummary(summary: LoadSummary, shown: RejectedRow[], rejectsPath: string | undefined, json: boolean): void {
  if (json) {
    console.log(JSON.stringify({ ...summary, rejectsFile: rejectsPath ?? null }));
  } else {
    console.log(
      `loaded ${path.basename(summary.path)} in ${summary.seconds.toFixed(1)} s: ${n(summary.rows)} rows, ` +
        `${n(summary.inserted)} new readings, ${n(summary.unchanged)} already stored, ` +
        `${n(summary.rejected)} rejected; ${n(summary.missing)} missing values; ` +
        `${summary.sensors} sensors; parameters: ${summary.parameters.join(', ') || 'none'}`,
    );
  }
  if (summary.invalid + summary.sentinels + summary.reinterpreted > 0) {
    note(
      `${n(summary.invalid)} value(s) out of their plausible range were stored with their raw text, flagged invalid and treated as missing; ` +
        `${n(summary.sentinels)} were device sentinels (missing)` +
        (summary.reinterpreted ? `; ${n(summary.reinterpreted)} stored value(s) with the same raw text are no longer trusted` : ''),
    );
    for (const channel of summary.untrusted) {
      note(`  ${channel.deviceId} ${channel.parameter}: ${n(channel.invalid + channel.sentinels)}, e.g. ${channel.example.ts}: ${channel.example.detail}`);
    }
  }
  if (summary.rejected > 0) {
    note(`${n(summary.rejected)} row(s) rejected; the valid rows were loaded.`);
    for (const reject of shown) note(`  line ${reject.line}${reject.column ? `, column ${reject.column}` : ''}: ${reject.reason}`);
    if (summary.rejected > shown.length) note(`  ... and ${n(summary.rejected - shown.length)} more`);
    if (rejectsPath) note(`every rejected row is in ${rejectsPath}`);
  }
}

/** `airfill load <file.csv>` */
export function register(command: Command): void {
  addDatabaseOptions(
    addInputOptions(
      command
        .argument('<file>', 'CSV file in the input contract')
        .option('--rejects <file>', 'write every rejected row (line, column, reason, row) to this CSV file'),
    )
      .option('--batch-size <rows>', 'rows per database batch', countFlag, 20_000)
      .option('--json', 'print the summary as JSON'),
  ).action(async (file: string, flags: LoadFlags) => {
    process.exitCode = await runLoad(file, flags);
  });
}
