import type { Command } from 'commander';
import { BUNDLED_SAMPLE } from '../samples';
import { addRunOptions, runAndReport, type RunFlags } from './run';

/** `airfill demo`: `airfill run` on the bundled real sample. */
export function register(program: Command): void {
  addRunOptions(
    program
      .command('demo')
      .description('run the whole pipeline on the bundled real sample (Beijing, June 2015, 12 stations) and show the report'),
  ).action(async (flags: RunFlags) => {
    process.exitCode = await runAndReport(flags, BUNDLED_SAMPLE);
  });
}
