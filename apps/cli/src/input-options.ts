import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_MAX_LINE_LENGTH, DEFAULT_SENTINEL, plausibilityConfigSchema, type PlausibilityConfig } from '@airfill/schema';
import { parseQualityConfig, QualityConfigError, type QualityConfig } from '@airfill/quality';
import { CliError } from './errors';
import { userPath } from './paths';

/** How a CSV in the input contract is read: flags every command that reads one shares. */
export interface InputFlags {
  sentinel: number;
  plausibility?: string;
  qualityConfig?: string;
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

/** Reads a JSON file an option names; a problem is a one-line error naming the option and the file. */
async function readJsonOption(option: string, target: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(target, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${option} ${target}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${option} ${target} is not JSON: ${(error as Error).message}`);
  }
}

/** Reads and validates the `--plausibility` file; a problem is a one-line error naming the file. */
export async function readPlausibility(file: string | undefined): Promise<PlausibilityConfig | undefined> {
  if (!file) return undefined;
  const target = userPath(file);
  const parsed = plausibilityConfigSchema.safeParse(await readJsonOption('--plausibility', target));
  if (!parsed.success) {
    throw new CliError(`--plausibility ${target}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'file'}: ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** Reads and validates the `--quality-config` file (the checks' thresholds); a problem is a one-line error naming the file. */
export async function readQualityConfig(file: string | undefined): Promise<QualityConfig | undefined> {
  if (!file) return undefined;
  const target = userPath(file);
  try {
    return parseQualityConfig(await readJsonOption('--quality-config', target));
  } catch (error) {
    if (error instanceof QualityConfigError) throw new CliError(`--quality-config ${target}: ${(error.context.issues as string[]).join('; ')}`);
    throw error;
  }
}
