import type { Command } from 'commander';
import { EXIT } from '../errors';
import { note } from '../output';
import { BUNDLED_SAMPLE } from '../samples';
import { addRunOptions, runAndReport, type RunFlags } from './run';

/** `airfill demo`: `airfill run` on the bundled real sample. */
export function register(command: Command): void {
  addRunOptions(
    command,
  ).action(async (flags: RunFlags) => {
    process.exitCode = await runAndReport(flags, BUNDLED_SAMPLE);
    if (process.exitCode === EXIT.failed) return;
    const dataDir = flags.dataDir === '.airfill' ? '' : ` --data-dir ${flags.dataDir}`;
    note(`\nsee it on a map, sensor by sensor: pnpm airfill serve${dataDir}   then open http://127.0.0.1:8080/`);
  });
}
