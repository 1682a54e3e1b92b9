import { InvalidArgumentError, type Command } from 'commander';
import { MANUAL_CHECK, requireStoredParameter } from '@airfill/db';
import { QUALITY_CHECKS } from '@airfill/quality';
import { correctAsUser, instantFlag } from '../corrections';
import { addDatabaseOptions, databaseTarget, withDatabase, type DatabaseFlags } from '../database-options';
import { writeFlags, writeFlagsFile } from '../flag-export';
import { note } from '../output';
import { requireWritable } from '../output-file';
import { userPath } from '../paths';

interface ListFlags extends DatabaseFlags {
  out?: string;
  json?: boolean;
  parameter?: string;
  device?: string;
  includeCleared?: boolean;
}

interface ClearFlags extends DatabaseFlags {
  device: string;
  parameter: string;
  from: Date;
  to: Date;
  check?: string;
  reason: string;
  dryRun?: boolean;
  json?: boolean;
}

/** The checks a flag can name: the quality checks (the loader's `range` among them) and corrections' `manual`. */
const CHECKS = [...QUALITY_CHECKS, MANUAL_CHECK];

function checkFlag(text: string): string {
  if (!CHECKS.includes(text as (typeof CHECKS)[number])) throw new InvalidArgumentError(`"${text}" is not a check; the checks are ${CHECKS.join(', ')}`);
  return text;
}

function reasonFlag(text: string): string {
  if (text.trim() === '') throw new InvalidArgumentError('say why (it is kept with the clearance)');
  return text.trim();
}

/** `airfill flags [--out flags.csv] [--json] [--parameter P] [--device D] [--include-cleared]` */
function registerList(command: Command): void {
  addDatabaseOptions(
    command
      .option('--out <file>', 'write to this file instead of stdout')
      .option('--json', 'one JSON array instead of CSV')
      .option('--parameter <name>', 'only this parameter')
      .option('--device <id>', 'only this device')
      .option('--include-cleared', 'cleared flags too, with cleared_at and cleared_reason'),
  ).action(async (flags: ListFlags) => {
    databaseTarget(flags);
    const out = flags.out ? userPath(flags.out) : undefined;
    if (out) await requireWritable(out, 'the flags');
    const filter = { parameter: flags.parameter, deviceId: flags.device, includeCleared: flags.includeCleared ?? false };
    const format = flags.json ? 'json' : 'csv';
    const count = await withDatabase(flags, async (database) => {
      if (flags.parameter) await requireStoredParameter(database, flags.parameter);
      return out ? writeFlagsFile(database, out, filter, format) : writeFlags(database, process.stdout, filter, format);
    });
    const which = `${flags.includeCleared ? '' : 'open '}flag(s)`;
    if (out) console.log(`wrote ${count.toLocaleString('en-US')} ${which} to ${out}`);
    else note(`${count.toLocaleString('en-US')} ${which}`);
  });
}

/** `airfill flags clear --device D --parameter P --from T --to T [--check C] --reason "..." [--dry-run] [--json]` */
function registerClear(command: Command): void {
  addDatabaseOptions(
    command
      .command('clear')
      .description("clear flags (invalid and suspect) of a device's parameter over [from, to): their values are trusted again and no check raises them again; recorded in the corrections ledger")
      .requiredOption('--device <id>', 'the device (device_id)')
      .requiredOption('--parameter <name>', 'the parameter')
      .requiredOption('--from <instant>', 'first instant, included (2023-07-15 09:00:00 +0200, or a date: midnight UTC)', instantFlag)
      .requiredOption('--to <instant>', 'end, excluded', instantFlag)
      .option('--check <name>', `only flags of this check (${CHECKS.join(', ')})`, checkFlag)
      .requiredOption('--reason <text>', 'why they are wrong (kept with the clearance and in the ledger)', reasonFlag)
      .option('--dry-run', 'say what would change, change nothing')
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: ClearFlags) => {
    databaseTarget(flags);
    const result = await withDatabase(flags, async (database) => {
      await requireStoredParameter(database, flags.parameter);
      return correctAsUser(database, {
        action: 'clear',
        deviceId: flags.device,
        parameter: flags.parameter,
        check: flags.check,
        clearSuspect: true,
        from: flags.from,
        to: flags.to,
        reason: flags.reason,
        dryRun: flags.dryRun ?? false,
      });
    });
    if (flags.json) {
      console.log(JSON.stringify({ action: 'clear', check: flags.check ?? null, dryRun: flags.dryRun ?? false, ...result }));
      return;
    }
    const n = (value: number) => value.toLocaleString('en-US');
    const which = `${flags.check ? `${flags.check} ` : ''}flag(s) of ${flags.device} ${flags.parameter} from ${flags.from.toISOString()} to ${flags.to.toISOString()}`;
    const removed = result.imputationsRemoved.own + result.imputationsRemoved.others;
    console.log(
      [
        `${flags.dryRun ? 'would clear' : 'cleared'} ${n(result.flagsCleared)} ${which}; ${n(result.changed)} value(s) ${flags.dryRun ? 'would be' : 'are'} trusted again`,
        `${flags.dryRun ? 'would remove' : 'removed'} ${n(removed)} imputation(s) that used or replaced them${removed && !flags.dryRun ? '; the next airfill run computes them again' : ''}`,
        flags.dryRun ? 'nothing changed (--dry-run)' : `recorded as correction #${result.correctionId} in the corrections ledger; the clearance is kept, so no check flags them again`,
      ].join('\n'),
    );
    if (result.flagsCleared === 0) note(`note: no open ${flags.check ? `${flags.check} ` : ''}flags of ${flags.device} ${flags.parameter} in that range`);
  });
}

/** `airfill flags ...` and `airfill flags clear ...` */
export function register(command: Command): void {
  // `flags`' own options (--device, --parameter...) only before `clear`, so `clear` gets its own.
  command.enablePositionalOptions();
  registerList(command);
  registerClear(command);
}
