/**
 * A network reporting every 2 minutes, through the path a user takes: `airfill
 * synth --step-minutes 2`, `airfill run` (the committed hourly model refuses
 * it), `airfill train` (a model on the data's own cadence) and `airfill run`
 * again, each a real process on the default embedded database.
 */
import { rmSync } from 'node:fs';
import { hasXgboost } from '@airfill/model';
import { needsTool } from '@airfill/tooling/needs-tool';
import { airfillIn, workFolder } from './support/airfill';

const withXgboost = needsTool('xgboost', hasXgboost(), 'apt-get install -y xgboost').it;

const work = workFolder('airfill-cadence-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const airfill = (args: string[]) => airfillIn(work, [...args, '--data-dir', 'data']);

interface TrainOutput {
  models: {
    parameter: string;
    table: { model: { mae: number }; baselines: { linear: { mae: number } }; intervals: { level: number; overall: { count: number; coverage: number } } | null };
    gate: { promote: boolean; reason: string };
  }[];
}

describe('a 2-minute network', () => {
  withXgboost(
    'is refused by the hourly default model with the fix named, then trained on its own cadence beats linear interpolation, covers near its level and fills every gap',
    () => {
      // 6 sensors x 10 days every 2 minutes: 43,200 PM 2.5 readings, outages of hours to days.
      const synth = airfillIn(work, ['synth', '--out', 'net.csv', '--step-minutes', '2', '--sensors', '6', '--days', '10', '--parameters', 'PM 2.5', '--seed', '5']);
      expect(synth.code).toBe(0);
      expect(synth.stdout).toMatch(/43,200 rows, 6 sensors/);
      const missing = Number(/([\d,]+) missing/.exec(synth.stdout)?.[1]?.replace(/,/g, ''));
      expect(missing).toBeGreaterThan(500);

      const refused = airfill(['run', '--csv', 'net.csv']);
      expect(refused.code).toBe(2);
      expect(`${refused.stdout}${refused.stderr}`).toMatch(/PM 2\.5 model was trained on readings every 60 min, but these arrive every 2 min: .*train a model on data at this cadence \(airfill train\)/);

      const trained = airfill(['train', '--csv', 'net.csv', '--parameter', 'PM 2.5', '--rounds', '60', '--json']);
      expect(trained.code).toBe(0);
      expect(trained.stderr).toMatch(/readings every 2 min/);
      const [model] = (JSON.parse(trained.stdout) as TrainOutput).models;
      if (!model) throw new Error(`no model trained: ${trained.stdout}`);
      expect(model.table.model.mae).toBeLessThan(model.table.baselines.linear.mae);
      expect(model.table.intervals?.overall.count).toBeGreaterThan(1000);
      // Near the nominal 90%: the holdout is a day and a half, its gaps few and long, so the band is wide.
      expect(model.table.intervals?.overall.coverage).toBeGreaterThan(0.8);
      expect(model.table.intervals?.overall.coverage).toBeLessThan(0.97);
      expect(model.gate).toMatchObject({ promote: true });

      const filled = airfill(['run', '--json']);
      expect(filled.code).toBe(0);
      const report = JSON.parse(filled.stdout) as { totals: { filledNow: number; unfilled: number }; execution: { status: string } };
      expect(report).toMatchObject({ totals: { filledNow: missing, unfilled: 0 }, execution: { status: 'succeeded' } });
    },
    300_000,
  );
});
