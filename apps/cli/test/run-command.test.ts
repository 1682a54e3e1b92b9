/**
 * `airfill synth`, `run`, `export` and `demo` as a user runs them: a real
 * process, PostgreSQL, the local runtime; results on stdout, progress on
 * stderr, exit codes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';

const repoRoot = path.resolve(__dirname, '../../..');
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
const main = path.join(repoRoot, 'apps/cli/src/main.ts');
const work = mkdtempSync(path.join(os.tmpdir(), 'airfill-cli-run-'));

// Whole runs (and, for the CLI, whole processes) take seconds, more on a loaded machine.
jest.setTimeout(120_000);

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
  rmSync(work, { recursive: true, force: true });
});

function airfill(...args: string[]) {
  return airfillOn(database, ...args);
}

function airfillOn(on: TestDatabase, ...args: string[]) {
  const result = spawnSync(tsx, [main, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, INIT_CWD: work, DATABASE_URL: on.url } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('airfill synth, run, export', () => {
  it('generates a network, fills it with a report, exports the imputations, and a second run fills nothing', () => {
    const synth = airfill('synth', '--out', 'net.csv', '--sensors', '5', '--days', '4', '--missing', '0.1', '--seed', '3');
    expect(synth.code).toBe(0);
    const missing = Number(/(\d+) missing/.exec(synth.stdout)?.[1]);
    expect(synth.stdout).toMatch(/wrote .*net\.csv: 2,400 rows, 5 sensors/);

    const run = airfill('run', '--csv', 'net.csv', '--data-dir', 'data');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/query-missing: claiming/);
    expect(run.stderr).toMatch(/transform job airfill-local-[0-9a-f-]+: Completed/);
    const filled = Number(/filled by this run ([\d,]+)/.exec(run.stdout)?.[1]?.replace(/,/g, ''));
    expect(filled).toBeGreaterThan(0);
    expect(filled).toBeLessThanOrEqual(missing);
    expect(run.stdout).toMatch(/still missing 0/);
    expect(run.stdout).toMatch(/time per step:[\s\S]*write-predictions/);
    const html = /report: (\S+\.html)/.exec(run.stderr)?.[1];
    expect(html && existsSync(html)).toBe(true);

    const exported = airfill('export', '--out', 'filled.csv');
    expect(exported.code).toBe(0);
    const lines = readFileSync(path.join(work, 'filled.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('device_id,parameter,timestamp,value,model_version,run_id');
    expect(lines).toHaveLength(filled + 1);

    const again = airfill('run', '--csv', 'net.csv', '--data-dir', 'data', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ totals: { filledNow: 0, filledTotal: filled, unfilled: 0 }, execution: { status: 'succeeded' } });

    // Without --csv on a database that holds readings, run works on what is stored (no sample mixed in).
    const stored = airfill('run', '--data-dir', 'data', '--json');
    expect(stored.code).toBe(0);
    expect(stored.stderr).toMatch(/no CSV given: running on the readings already stored/);
    expect(JSON.parse(stored.stdout)).toMatchObject({ input: null, totals: { sensors: 5, filledNow: 0 } });
  });

  it('refuses a synth share that is not a share', () => {
    const result = airfill('synth', '--out', 'x.csv', '--missing', '2');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"2" is not a share/);
  });
});

describe('airfill demo', () => {
  let own: TestDatabase;
  beforeAll(async () => {
    own = await createTestDatabase();
  });
  afterAll(() => own.drop());

  it('run without a CSV loads the bundled Beijing sample into an empty database; demo runs on it again and fills nothing twice', () => {
    const run = airfillOn(own, 'run', '--data-dir', 'demo');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/input: beijing_2015-06\.csv\.gz: 43,200 rows \(43,200 new/);
    expect(run.stdout).toMatch(/PM 2\.5: 8,640 readings of 12 sensors, 187 missing; filled by this run 187/);
    expect(run.stdout).toMatch(/bj-aotizhongxin/);

    const demo = airfillOn(own, 'demo', '--data-dir', 'demo');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/input: beijing_2015-06\.csv\.gz: 43,200 rows \(0 new, 43,200 already stored/);
    expect(demo.stdout).toMatch(/filled by this run 0, filled in all 187, still missing 0/);
  });
});
