/**
 * `airfill run` and `airfill demo` exit codes on the default embedded
 * database (no DATABASE_URL), each a real process: 0 done, 1 done with rows
 * rejected or predictions refused, 2 could not do its job.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_MODELS_DIR } from '@airfill/model';
import { airfillIn, expectOneLineFailure, workFolder } from './support/airfill';

jest.setTimeout(180_000);

const work = workFolder('airfill-exit-run-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const airfill = (args: string[], env: Record<string, string> = {}) => airfillIn(work, [...args, '--data-dir', 'data'], { env });

beforeAll(() => {
  expect(airfillIn(work, ['synth', '--out', 'net.csv', '--sensors', '4', '--days', '3', '--missing', '0.1', '--seed', '5']).code).toBe(0);
  // The same network, with one row whose timestamp has no offset.
  const lines = readFileSync(path.join(work, 'net.csv'), 'utf8').trim().split('\n');
  writeFileSync(path.join(work, 'net-one-bad.csv'), `${[...lines, lines[1]!.replace(/ [+-]\d{4},/, ',')].join('\n')}\n`);
  // A parameter no model fills: the network's PM 10 readings, named CO.
  writeFileSync(path.join(work, 'co.csv'), `${[lines[0], ...lines.filter((line) => line.includes(',PM 10,')).map((line) => line.replace(',PM 10,', ',CO,'))].join('\n')}\n`);
});

describe('airfill run on the embedded database', () => {
  it('exits 0 when it fills what is missing, then 1 when the CSV has a rejected row', () => {
    const first = airfill(['run', '--csv', 'net.csv']);
    expect(first.code).toBe(0);
    // One run per parameter, each filled by its default model.
    for (const parameter of ['NO2', 'O3', 'PM 10', 'PM 2\\.5', 'Temperature']) expect(first.stdout).toMatch(new RegExp(`^${parameter} +succeeded +([\\d,]+) +\\1 +\\1 +0 +0$`, 'm'));
    const rejected = airfill(['run', '--csv', 'net-one-bad.csv']);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/1 CSV row\(s\) rejected; every one is in/);
  });

  it('exits 2 in one line for a parameter that is not stored, naming those that are', () => {
    const outcome = airfill(['run', '--parameter', 'PM25']);
    expect(outcome.code).toBe(2);
    expectOneLineFailure(outcome, /no readings of parameter "PM25" are stored; the parameters stored are: "NO2", "O3", "PM 10", "PM 2\.5", "Temperature"/);
  });

  it('exits 2 in one line when asked for a parameter no model fills, and 1 naming it when it fills the others', () => {
    const asked = airfillIn(work, ['run', '--csv', 'co.csv', '--parameter', 'CO', '--data-dir', 'data-co']);
    expect(asked.code).toBe(2);
    expectOneLineFailure(asked, /no model fills "CO": neither a current model in the registry nor a default model; train one with: airfill train --parameter "CO"/);
    // Every stored parameter: the one without a model is reported, never skipped in silence.
    const all = airfillIn(work, ['run', '--csv', 'net.csv', '--data-dir', 'data-co']);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/^CO +no model +- +0 +0 +(\d+) +0$/m);
    expect(all.stdout).toMatch(/CO: no model fills it, not filled \(\d+ of [\d,]+ readings missing\); train one with: airfill train --parameter "CO"/);
    expect(all.stderr).toMatch(/not filled, no model: CO; train one with: airfill train --parameter <name>/);
  });

  it('exits 1 when it refuses implausible predictions, naming them, and still succeeds', () => {
    // A model whose every output is a million: no PM 2.5 can be that, so each prediction is refused.
    const broken = path.join(work, 'million-model');
    cpSync(path.join(DEFAULT_MODELS_DIR, 'pm25'), broken, { recursive: true });
    const file = path.join(broken, 'model.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"base_score":"5E-1"', '"base_score":"1E6"'));
    // Fresh gaps to fill: invalidate a few hours of one sensor.
    const device = 'synth-001';
    expect(airfill(['readings', 'invalidate', '--device', device, '--parameter', 'PM 2.5', '--from', '2024-01-02', '--to', '2024-01-02 03:00:00 +0000']).code).toBe(0);
    const outcome = airfill(['run', '--parameter', 'PM 2.5'], { AIRFILL_MODEL_DIR: broken });
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/^PM 2\.5 +succeeded +([\d,]+) +0 +[\d,]+ +\1 +\1$/m);
    expect(outcome.stdout).toMatch(/PM 2\.5: refused \d+ implausible prediction\(s\); their readings stay missing:\n/);
    expect(outcome.stdout).toMatch(new RegExp(`^  ${device} PM 2\\.5 at 2024-01-02T00:00:00\\.000Z: 1000\\d{3}(\\.\\d+)? is outside the plausible range of PM 2\\.5, 0 to 2000 \\(less [\\d.]+, plus [\\d.]+\\)$`, 'm'));
    expect(outcome.stderr).toMatch(/prediction\(s\) refused as implausible/);
  });

  it('exits 2 in one line when the data directory is held by another live airfill', () => {
    const owner = path.join(work, 'data', 'airfill-owner.json');
    writeFileSync(owner, JSON.stringify({ pid: process.pid, startTime: null, startedAt: '2026-01-01T00:00:00.000Z', dataDir: path.join(work, 'data') }));
    try {
      const outcome = airfill(['run']);
      expect(outcome.code).toBe(2);
      expectOneLineFailure(outcome, /is in use by airfill process \d+/);
    } finally {
      rmSync(owner);
    }
  });
});

describe('airfill demo on the embedded database', () => {
  it('run without a CSV loads the bundled Beijing sample into an empty database and exits 0; demo then fills nothing twice', () => {
    const run = airfillIn(work, ['run', '--data-dir', 'demo']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/input: beijing_2015-06\.csv\.gz: 43,200 rows \(43,200 new/);
    // 187 readings the sample lacks, and 2 spikes quality control sets aside before the fill (raw kept).
    expect(run.stdout).toMatch(/^PM 2\.5 +succeeded +189 +189 +189 +0 +0$/m);
    for (const parameter of ['NO2', 'O3', 'PM 10', 'Temperature']) expect(run.stdout).toMatch(new RegExp(`^${parameter} +succeeded +([\\d,]+) +\\1 +\\1 +0 +0$`, 'm'));
    expect(run.stdout).toMatch(/of the values filled now, \d+ were values flagged invalid, not missing: .*spike \d+/);
    expect(run.stdout).toMatch(/quality control of .*: 42,422 readings checked; new flags: 37 invalid/);
    expect(run.stdout).toMatch(/bj-aotizhongxin/);
    // The live check: values hidden from each model, predicted and scored, in the report and in status.
    expect(run.stdout).toMatch(/^live accuracy: /m);
    expect(run.stdout).toMatch(/^PM 2\.5 +1 +\d+ +\d+\.\d+ /m);
    const liveOf = () => {
      const status = airfillIn(work, ['status', '--json', '--data-dir', 'demo']);
      expect(status.code).toBe(0);
      return (JSON.parse(status.stdout) as { parameters: Record<string, { live: { mae: number; coverage: number; points: number; runs: number; drift: boolean } | null }> }).parameters['PM 2.5']!.live;
    };
    const live = liveOf();
    expect(live).toMatchObject({ runs: 1, drift: false });
    expect(live!.points).toBeGreaterThanOrEqual(20);
    expect(live!.mae).toBeGreaterThan(0);
    expect(live!.coverage).toBeGreaterThan(0.5);
    const demo = airfillIn(work, ['demo', '--data-dir', 'demo']);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/input: beijing_2015-06\.csv\.gz: 43,200 rows \(0 new, 43,200 already stored/);
    expect(demo.stdout).toMatch(/^PM 2\.5 +succeeded +0 +0 +189 +0 +0$/m);
    expect(demo.stdout).toMatch(/^all filled +0 +[\d,]+ +0 *$/m);
    // The second check finds nothing new: flags are stored once per reading and check.
    expect(demo.stdout).toMatch(/new flags: 0 invalid/);
    // With nothing left to fill, the demo still checked every model live.
    expect(liveOf()).toMatchObject({ runs: 2 });
  });
});
