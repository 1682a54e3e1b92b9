import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_MAX_LINE_LENGTH, DEFAULT_SENTINEL, plausibilityConfigSchema, type PlausibilityConfig } from '@airfill/schema';
import { CliError } from './errors';
import { userPath } from './paths';

/** How a CSV in the input contract is read: flags every command that reads one shares. */
export interface InputFlags {
  sentinel: number;
  plausibility?: string;
  maxLineLength: number;
}

/** Parses a numeric flag, refusing what is not a number. */
export function numberFlag(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError(`"${text}" is not a number`);
  return value;
}

/** Parses a positive whole-number flag. */
export function countFlag(text: string): number {
  const value = numberFlag(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`"${text}" is not a positive whole number`);
  return value;
}

/** Parses a share strictly between 0 and 1 (e.g. an interval's nominal coverage). */
export function levelFlag(text: string): number {
  const value = numberFlag(text);
  if (!(value > 0 && value < 1)) throw new InvalidArgumentError(`"${text}" is not a share between 0 and 1 (e.g. 0.9)`);
  return value;
}

function lineLengthFlag(text: string): number {
  const value = countFlag(text);
  if (value < 1024) throw new InvalidArgumentError(`"${text}" is below 1024 characters; no input contract header fits`);
  return value;
}

/** Adds `--sentinel`, `--plausibility` and `--max-line-length`. */
export function addInputOptions(command: Command): Command {
  return command
    .option('--sentinel <number>', 'value that means "no reading"', numberFlag, DEFAULT_SENTINEL)
    .option('--plausibility <file.json>', 'physical ranges per parameter and sensor type, extra sentinels per device or sensor type (over the defaults; see the README)')
    .option('--max-line-length <chars>', 'reject longer lines at once (memory stays bounded)', lineLengthFlag, DEFAULT_MAX_LINE_LENGTH);
}

/** Reads and validates the `--plausibility` file; a problem is a one-line error naming the file. */
export async function readPlausibility(file: string | undefined): Promise<PlausibilityConfig | undefined> {
  if (!file) return undefined;
  const target = userPath(file);
  let text: string;
  try {
    text = await readFile(target, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read --plausibility ${target}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--plausibility ${target} is not JSON: ${(error as Error).message}`);
  }
  const parsed = plausibilityConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(`--plausibility ${target}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'file'}: ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}
