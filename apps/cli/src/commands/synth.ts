import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { SYNTH_PARAMETERS, writeSynthCsv } from '@airfill/local';
import { DEFAULT_SENTINEL } from '@airfill/schema';
import { note } from '../output';
import { userPath } from '../paths';
import { countFlag, numberFlag } from '../input-options';

interface SynthFlags {
  out: string;
  sensors: number;
  days: number;
  stepMinutes: number;
  start: string;
  parameters: string[];
  missing: number;
  seed: number;
  sentinel: number;
}

function shareFlag(text: string): number {
  const value = numberFlag(text);
  if (value < 0 || value >= 0.9) throw new InvalidArgumentError(`"${text}" is not a share between 0 and 0.9`);
  return value;
}

function stepMinutesFlag(text: string): number {
  const value = countFlag(text);
  if (value > 1440) throw new InvalidArgumentError(`"${text}" is more than a day (1440 minutes) between readings`);
  return value;
}

function instantFlag(text: string): string {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?Z)?$/.test(text) || Number.isNaN(Date.parse(text))) {
    throw new InvalidArgumentError(`"${text}" is not a UTC date like 2024-01-01 or 2024-01-01T00:00Z`);
  }
  return new Date(Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text)).toISOString();
}

/** `airfill synth --out <file.csv[.gz]> [--sensors 12] [--days 30] ...` */
export function register(command: Command): void {
  command
    .requiredOption('--out <file>', 'CSV file to write (.gz to compress)')
    .option('--sensors <count>', 'sensors on the map', countFlag, 12)
    .option('--days <count>', 'days of readings', countFlag, 30)
    .option('--step-minutes <n>', 'minutes between readings (1 to 1440); outages last as many hours at any step', stepMinutesFlag, 60)
    .option('--start <date>', 'first hour, UTC', instantFlag, '2024-01-01T00:00:00.000Z')
    .option('--parameters <names>', 'comma-separated parameters', (text: string) => text.split(',').map((name) => name.trim()).filter(Boolean), SYNTH_PARAMETERS)
    .option('--missing <share>', 'share of readings missing (single points, outages, a dead sensor)', shareFlag, 0.08)
    .option('--seed <number>', 'random seed', countFlag, 1)
    .option('--sentinel <number>', 'value written for "no reading"', numberFlag, DEFAULT_SENTINEL)
    .action(async (flags: SynthFlags) => {
      const started = Date.now();
      const summary = await writeSynthCsv(userPath(flags.out), {
        sensors: flags.sensors,
        days: flags.days,
        stepMinutes: flags.stepMinutes,
        start: flags.start,
        parameters: flags.parameters,
        missing: flags.missing,
        seed: flags.seed,
        sentinel: flags.sentinel,
      });
      console.log(
        `wrote ${summary.file}: ${summary.rows.toLocaleString('en-US')} rows, ${summary.sensors} sensors, ` +
          `parameters ${summary.parameters.join(', ')}, ${summary.missing.toLocaleString('en-US')} missing (${((100 * summary.missing) / Math.max(1, summary.rows)).toFixed(1)}%)`,
      );
      note(`in ${((Date.now() - started) / 1000).toFixed(1)} s; load it with: pnpm airfill run --csv ${flags.out}`);
    });
}
