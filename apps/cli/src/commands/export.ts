import type { Command } from 'commander';
import { exportImputations } from '@airfill/local';
import { DEFAULT_PARAMETER } from '@airfill/schema';
import { addDatabaseOptions, withDatabase, type DatabaseFlags } from '../database-options';
import { userPath } from '../paths';

interface ExportFlags extends DatabaseFlags {
  out: string;
  parameter: string;
}

/** `airfill export --out <file.csv> [--parameter "PM 2.5"]` */
export function register(program: Command): void {
  addDatabaseOptions(
    program
      .command('export')
      .description('write the imputations of a parameter as CSV: device_id,parameter,timestamp,value,model_version,run_id')
      .requiredOption('--out <file>', 'CSV file to write')
      .option('--parameter <name>', 'parameter whose imputations to export', DEFAULT_PARAMETER),
  ).action(async (flags: ExportFlags) => {
    const out = userPath(flags.out);
    const rows = await withDatabase(flags, (database) => exportImputations(database, out, { parameter: flags.parameter }));
    console.log(`exported ${rows.toLocaleString('en-US')} imputed ${flags.parameter} value(s) to ${out}`);
  });
}
