#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { commands } from './commands';
import { EXIT } from './errors';
import { explain } from './explain';
import { note } from './output';

/** Waits until what was written to a stream has been handed to the system. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** Runs the command line; resolves to the exit code. Never rejects. */
async function main(argv: string[]): Promise<number> {
  const program = new Command('airfill')
    .description('fill the gaps in air-quality sensor data')
    .option('--verbose', 'on an error, show where it happened (the stack)')
    .showHelpAfterError()
    .exitOverride();
  for (const command of commands) command.register(program);
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.failed;
    const { message, exitCode } = explain(error, Boolean(program.opts<{ verbose?: boolean }>().verbose));
    note(`airfill: ${message}`);
    return exitCode;
  }
}

// Exit explicitly, once the output is out: the exit code is the command's,
// whatever timers or handles a dependency left behind.
void main(process.argv).then(async (code) => {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
});
