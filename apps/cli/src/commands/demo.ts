import path from 'node:path';
import type { Command } from 'commander';
import { readStatus, summariseGapsBySensor, type SensorGapSummary } from '@airfill/db';
import { loadReadingsCsv } from '@airfill/ingest';
import { addDatabaseOptions, withDatabase, type DatabaseFlags } from '../database-options';
import { EXIT } from '../errors';
import { formatTable, progressLine, endProgress } from '../output';
import { BUNDLED_SAMPLE } from '../samples';
import { formatStatus } from './status';

/** A sensors x parameters table of missing counts. */
export function formatGapMatrix(gaps: SensorGapSummary[]): string {
  const parameters = [...new Set(gaps.map((gap) => gap.parameter))].sort();
  const devices = [...new Set(gaps.map((gap) => gap.deviceId))].sort();
  const byKey = new Map(gaps.map((gap) => [`${gap.deviceId}\u0000${gap.parameter}`, gap]));
  const rows = devices.map((device) => [
    device,
    ...parameters.map((parameter) => {
      const gap = byKey.get(`${device}\u0000${parameter}`);
      return gap ? `${gap.missing}/${gap.readings}` : '-';
    }),
  ]);
  return formatTable(['sensor (missing/readings)', ...parameters], rows);
}

/** `airfill demo`: the main job on embedded defaults. */
export function register(program: Command): void {
  addDatabaseOptions(
    program.command('demo').description('load the bundled real sample (Beijing, June 2015) and show what is missing per sensor and parameter'),
  ).action(async (flags: DatabaseFlags) => {
    await withDatabase(flags, async (database) => {
      console.log(`airfill demo: ${database.location}`);
      const summary = await loadReadingsCsv(database, BUNDLED_SAMPLE, {
        onProgress: (progress) => progressLine(`loading ${path.basename(BUNDLED_SAMPLE)}: ${progress.rowsRead.toLocaleString('en-US')} rows`),
      });
      endProgress();
      console.log(
        `loaded ${path.basename(BUNDLED_SAMPLE)}: ${summary.rows.toLocaleString('en-US')} rows in ${summary.seconds.toFixed(1)} s ` +
          `(${summary.inserted.toLocaleString('en-US')} new, ${summary.unchanged.toLocaleString('en-US')} already stored, ${summary.rejected} rejected)\n`,
      );
      console.log('missing values per sensor and parameter:');
      console.log(formatGapMatrix(await summariseGapsBySensor(database)));
      console.log('');
      console.log(formatStatus(await readStatus(database)));
      if (summary.rejected > 0) process.exitCode = EXIT.rejected;
    });
  });
}
