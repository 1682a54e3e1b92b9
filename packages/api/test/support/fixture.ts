/**
 * A small network with known answers, loaded the way users load data (the
 * CSV loader), filled by a recorded run, with a registered model:
 *   s1 (Alpha, Beijing)  PM 2.5 and PM 10 hourly for 3 days (2023-07-01..03 UTC);
 *                        PM 2.5 has 6 missing readings, 4 of them imputed (with intervals)
 *   s2 (Beta)            PM 2.5 hourly for the first 40 hours, then silent (offline)
 *   s3 (Gamma)           PM 2.5 hourly, but day 2 from 12:00 has no rows at all (a silent outage)
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { completeRun, failRun, openRun, promoteModel, registerModel, writeImputations, type Database } from '@airfill/db';
import { loadReadingsCsv } from '@airfill/ingest';

export const START = Date.UTC(2023, 6, 1);
export const HOUR = 3_600_000;
export const S1_MISSING_HOURS = [5, 6, 7, 30, 31, 60];
export const S1_IMPUTED_HOURS = [5, 6, 7, 30];

const stamp = (hour: number) => new Date(START + hour * HOUR).toISOString();

export interface Fixture {
  runId: string;
  failedRunId: string;
}

export async function loadFixture(database: Database): Promise<Fixture> {
  const lines = ['device_id,timestamp,parameter,value,latitude,longitude,location,city,country,sensor_type'];
  for (let hour = 0; hour < 72; hour += 1) {
    lines.push(`s1,${stamp(hour)},PM 2.5,${S1_MISSING_HOURS.includes(hour) ? 65535 : 10 + (hour % 24)},39.98,116.39,Alpha,Beijing,CN,PMS5003`);
    lines.push(`s1,${stamp(hour)},PM 10,${20 + (hour % 24)},39.98,116.39,Alpha,Beijing,CN,PMS5003`);
    if (hour < 40) lines.push(`s2,${stamp(hour)},PM 2.5,${30 + (hour % 5)},39.93,116.34,Beta,Beijing,CN,SDS011`);
    if (hour < 36 || hour >= 48) lines.push(`s3,${stamp(hour)},PM 2.5,${50 + (hour % 3)},39.88,116.41,Gamma,Beijing,CN,SDS011`);
  }
  const file = path.join(os.tmpdir(), `airfill-api-fixture-${process.pid}-${Date.now()}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const loaded = await loadReadingsCsv(database, file);
  if (loaded.rejected > 0) throw new Error(`fixture rows rejected: ${loaded.rejected}`);

  const run = await openRun(database, { trigger: 'manual', parameter: 'PM 2.5' });
  await writeImputations(database, {
    runId: run.runId,
    modelVersion: 'm-test-1',
    imputations: S1_IMPUTED_HOURS.map((hour) => ({ deviceId: 's1', parameter: 'PM 2.5', ts: new Date(START + hour * HOUR), value: 100 + hour })),
  });
  // Intervals are written by the interval work (issue 17); set them here so the API's pass-through is tested.
  await database.pool.query(`update imputations set lower = value - 5, upper = value + 5 where run_id = $1`, [run.runId]);
  await completeRun(database, run.runId, { found: 6, predicted: 4, written: 4, modelVersion: 'm-test-1' });

  const failed = await openRun(database, { trigger: 'schedule', parameter: 'PM 2.5' });
  await failRun(database, failed.runId, { name: 'TransformJobFailedError', message: 'the transform job failed' });

  await registerModel(database, {
    version: 'm-test-1',
    parameter: 'PM 2.5',
    artifactUri: '/models/m-test-1',
    featureContract: { version: 'airfill-features-2', columns: ['a'] },
    metrics: { model: { mae: 8.7, rmse: 15.2, r2: 0.95 }, baselines: { linear: { mae: 18.9 } } },
  });
  await promoteModel(database, 'm-test-1');
  return { runId: run.runId, failedRunId: failed.runId };
}
