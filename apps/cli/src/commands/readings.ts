import type { Command } from 'commander';
import type { CorrectionAction, CorrectionResult } from '@airfill/db';
import { correctAsUser, instantFlag } from '../corrections';
import { addDatabaseOptions, databaseTarget, withDatabase, type DatabaseFlags } from '../database-options';
import { note } from '../output';

interface ReadingsFlags extends DatabaseFlags {
  device: string;
  parameter?: string;
  from: Date;
  to: Date;
  reason?: string;
  dryRun?: boolean;
  json?: boolean;
}

const DONE: Record<CorrectionAction, [string, string]> = {
  delete: ['deleted', 'would delete'],
  invalidate: ['invalidated', 'would invalidate'],
  clear: ['trusted again', 'would trust again'],
};

function describe(action: CorrectionAction, flags: ReadingsFlags, result: CorrectionResult): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const [done, wouldDo] = DONE[action];
  const which = `${flags.device}${flags.parameter ? ` ${flags.parameter}` : ''} from ${flags.from.toISOString()} to ${flags.to.toISOString()}`;
  const removed = result.imputationsRemoved.own + result.imputationsRemoved.others;
  const lines = [
    `${flags.dryRun ? wouldDo : done} ${n(result.changed)} of ${n(result.selected)} reading(s) of ${which}`,
    `${flags.dryRun ? 'would remove' : 'removed'} ${n(removed)} imputation(s): ${n(result.imputationsRemoved.own)} of ${flags.device}, ` +
      `${n(result.imputationsRemoved.others)} of other sensors whose features could use its readings` +
      (removed && !flags.dryRun ? '; the next airfill run computes them again' : ''),
  ];
  lines.push(flags.dryRun ? 'nothing changed (--dry-run)' : `recorded as correction #${result.correctionId} in the corrections ledger`);
  return lines.join('\n');
}

function registerAction(readings: Command, action: CorrectionAction, description: string): void {
  addDatabaseOptions(
    readings
      .command(action)
      .description(description)
      .requiredOption('--device <id>', 'the device (device_id)')
      .option('--parameter <name>', 'only this parameter; default: every parameter of the device')
      .requiredOption('--from <instant>', 'first instant, included (2023-07-15 09:00:00 +0200, or a date: midnight UTC)', instantFlag)
      .requiredOption('--to <instant>', 'end, excluded', instantFlag)
      .option('--reason <text>', 'why (kept in the ledger and on the flags)')
      .option('--dry-run', 'say what would change, change nothing')
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: ReadingsFlags) => {
    databaseTarget(flags);
    const result = await withDatabase(flags, async (database) =>
      correctAsUser(database, {
        action,
        deviceId: flags.device,
        parameter: flags.parameter,
        from: flags.from,
        to: flags.to,
        reason: flags.reason,
        dryRun: flags.dryRun ?? false,
      }),
    );
    if (flags.json) console.log(JSON.stringify({ action, dryRun: flags.dryRun ?? false, ...result }));
    else console.log(describe(action, flags, result));
    if (result.selected === 0) note(`note: ${flags.device} has no readings${flags.parameter ? ` of ${flags.parameter}` : ''} in that range`);
  });
}

/** `airfill readings delete|invalidate|clear --device D [--parameter P] --from T --to T [--reason ...] [--dry-run]` */
export function register(readings: Command): void {
  registerAction(readings, 'delete', 'delete the readings (and their flags); their imputations and those that used them are recomputed by the next run');
  registerAction(readings, 'invalidate', 'mark the readings invalid (flag "manual"): treated as missing and filled by the next run; the raw values are kept');
  registerAction(readings, 'clear', 'clear the invalid flags of the readings and trust their raw values again');
}
