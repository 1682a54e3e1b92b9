import type { Command } from 'commander';
import { readStatus, type StatusReport } from '@airfill/db';
import { addDatabaseOptions, withDatabase, type DatabaseFlags } from '../database-options';
import { formatTable } from '../output';

/** Renders the status counts as a table. */
export function formatStatus(status: StatusReport): string {
  const rows = Object.entries(status.parameters).map(([name, counts]) => [name, counts.readings, counts.missing, counts.imputed, counts.unfilled]);
  rows.push(['all', status.readings, status.missing, status.imputed, status.unfilled]);
  return `${status.sensors} sensors\n${formatTable(['parameter', 'readings', 'missing', 'imputed', 'unfilled'], rows)}`;
}

/** `airfill status [--json]` */
export function register(command: Command): void {
  addDatabaseOptions(
    command
      .option('--json', 'print one JSON object: sensors, readings, missing, imputed, unfilled, parameters'),
  ).action(async (flags: DatabaseFlags & { json?: boolean }) => {
    const status = await withDatabase(flags, readStatus);
    console.log(flags.json ? JSON.stringify(status) : formatStatus(status));
  });
}
