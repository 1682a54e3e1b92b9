#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands';
import { EXIT } from './errors';
import { explain } from './explain';
import { note } from './output';

/** Waits until what was written to a stream has been handed to the system. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** The command the arguments name (`airfill [--verbose] <command> ...`, or `airfill help <command>`). */
function commandName(args: readonly string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** Runs the command line; resolves to the exit code. Never rejects. */
async function main(argv: string[]): Promise<number> {
  // `--verbose` may come anywhere (`airfill run --verbose`); every other option belongs to its command,
  // so a command's subcommands (`airfill flags clear --device ...`) get their own options.
  const verbose = argv.slice(2).includes('--verbose');
  const args = [...argv.slice(0, 2), ...argv.slice(2).filter((arg) => arg !== '--verbose')];
  const program = new Command('airfill')
    .description('fill the gaps in air-quality sensor data')
    .option('--verbose', 'on an error, show where it happened (the stack)')
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride();
  const wanted = commandName(args.slice(2));
  try {
    // Every command is listed (for help and for "unknown command"); only the one asked for is loaded.
    for (const entry of COMMANDS) {
      const command = program.command(entry.name).description(entry.description);
      if (entry.name === wanted) (await entry.load()).register(command);
    }
    await program.parseAsync(args);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.failed;
    const { message, exitCode } = explain(error, verbose);
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
