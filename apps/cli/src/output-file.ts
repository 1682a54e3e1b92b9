import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './errors';

/**
 * Makes sure an output file can be written before any work starts: creates
 * its folder, and creates (or empties) the file. A path that cannot be
 * written is a one-line error naming it.
 */
export async function requireWritable(file: string, what: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(file, 'w');
    await handle.close();
  } catch (error) {
    throw new CliError(`cannot write ${what} ${file}: ${(error as Error).message}`);
  }
}
