import type { Command } from 'commander';
import { requireStoredParameter } from '@airfill/db';
import { exportImputations } from '@airfill/local';
import { addDatabaseOptions, databaseTarget, withDatabase, type DatabaseFlags } from '../database-options';
import { requireWritable } from '../output-file';
import { userPath } from '../paths';

interface ExportFlags extends DatabaseFlags {
  out: string;
  parameter?: string;
}

/** `airfill export --out <file.csv> [--parameter "PM 2.5"]` */
export function register(command: Command): void {
  addDatabaseOptions(
    command
      .requiredOption('--out <file>', 'CSV file to write')
      .option('--parameter <name>', 'export the imputations of this parameter only; default: every parameter'),
  ).action(async (flags: ExportFlags) => {
    const out = userPath(flags.out);
    databaseTarget(flags);
    await requireWritable(out, 'the export');
    const rows = await withDatabase(flags, async (database) => {
      if (flags.parameter) await requireStoredParameter(database, flags.parameter);
      return exportImputations(database, out, flags.parameter ? { parameter: flags.parameter } : {});
    });
    console.log(`exported ${rows.toLocaleString('en-US')} imputed ${flags.parameter ? `${flags.parameter} ` : ''}value(s) to ${out}`);
  });
}
