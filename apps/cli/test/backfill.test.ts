/**
 * `airfill backfill` as a user runs it, on the default embedded database:
 * every parameter cut into bounded chunks, each a run of its own, and a
 * backfill killed in the middle of its chunks (SIGKILL: no clean-up at all)
 * resumed by the next one with nothing lost and nothing written twice.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { airfillIn, workFolder } from './support/airfill';

jest.setTimeout(300_000);

const repoRoot = path.resolve(__dirname, '../../..');
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
const main = path.join(repoRoot, 'apps/cli/src/main.ts');

const work = workFolder('airfill-backfill-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CHUNK = 150;

beforeAll(() => {
  const synth = airfillIn(work, ['synth', '--out', 'net.csv', '--sensors', '6', '--days', '20', '--parameters', 'PM 2.5,PM 10', '--missing', '0.15', '--seed', '9']);
  expect(synth.code).toBe(0);
});

/** Waits (up to 30 s) until no process has `folder` in its command line: a killed server's processes exit a moment after the signal. */
async function processesGone(folder: string): Promise<void> {
  const running = () =>
    readdirSync('/proc').some((entry) => {
      if (!/^\d+$/.test(entry)) return false;
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(folder);
      } catch {
        return false;
      }
    });
  for (let waited = 0; running() && waited < 30_000; waited += 200) await new Promise((resolve) => setTimeout(resolve, 200));
}

/** Missing readings per parameter from `airfill status --json`. */
function status(dataDir: string): { missing: number; imputed: number; unfilled: number } {
  const outcome = airfillIn(work, ['status', '--json', '--data-dir', dataDir]);
  if (outcome.code !== 0) throw new Error(`airfill status exited ${outcome.code}: ${outcome.stderr}`);
  return JSON.parse(outcome.stdout) as { missing: number; imputed: number; unfilled: number };
}

/** The exported imputations: one line per filled reading (device, parameter, time). */
function exportedReadings(dataDir: string): string[] {
  const outcome = airfillIn(work, ['export', '--out', `${dataDir}.csv`, '--data-dir', dataDir]);
  expect(outcome.code).toBe(0);
  return readFileSync(path.join(work, `${dataDir}.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').slice(0, 3).join(','));
}

describe('airfill backfill on the embedded database', () => {
  it('fills everything in one execution, each parameter in chunks of at most the chunk, each chunk a run of its own, then exits 0', () => {
    const outcome = airfillIn(work, ['backfill', '--csv', 'net.csv', '--chunk', String(CHUNK), '--data-dir', 'whole', '--json']);
    expect(outcome.code).toBe(0);
    const result = JSON.parse(outcome.stdout) as { outcome: string; passes: { parameters: { parameter: string; chunks: number; found: number; written: number }[]; unfilled: number }[] };
    expect(result.outcome).toBe('done');
    expect(result.passes).toHaveLength(1);
    const [pass] = result.passes;
    expect(pass!.unfilled).toBe(0);
    const missing = status('whole').missing;
    // 6 sensors x 20 days x ~15% missing of each parameter: several chunks each, none over the chunk.
    expect(pass!.parameters.map((parameter) => parameter.parameter).sort()).toEqual(['PM 10', 'PM 2.5']);
    for (const parameter of pass!.parameters) {
      expect(parameter.chunks).toBeGreaterThanOrEqual(Math.ceil(parameter.found / CHUNK));
      expect(parameter.chunks).toBeGreaterThan(1);
      expect(parameter.written).toBe(parameter.found);
    }
    expect(pass!.parameters.reduce((sum, parameter) => sum + parameter.written, 0)).toBe(missing);
    // The progress names each chunk of each parameter.
    expect(outcome.stderr).toMatch(/^filling PM 10 \(\d+ chunks\), PM 2\.5 \(\d+ chunks\)/m);
    expect(outcome.stderr).toMatch(/^pass 1: filled PM 10 [\d,]+ in \d+ chunks, PM 2\.5 [\d,]+ in \d+ chunks; 0 still missing/m);
    expect(status('whole')).toMatchObject({ unfilled: 0 });
  });

  it('cuts a network larger than a group into groups of nearby sensors, a chunk each, and fills them all', () => {
    // 6 sensors in groups of at most 2: three groups, each one chunk of each parameter.
    const outcome = airfillIn(work, ['backfill', '--csv', 'net.csv', '--group-sensors', '2', '--data-dir', 'grouped', '--json']);
    expect(outcome.code).toBe(0);
    const result = JSON.parse(outcome.stdout) as { outcome: string; passes: { parameters: { parameter: string; chunks: number; found: number; written: number }[] }[] };
    expect(result.outcome).toBe('done');
    expect(result.passes).toHaveLength(1);
    for (const parameter of result.passes[0]!.parameters) expect(parameter).toMatchObject({ chunks: 3, written: parameter.found });
    const after = status('grouped');
    expect(after).toMatchObject({ unfilled: 0, imputed: after.missing });
    expect(exportedReadings('grouped')).toHaveLength(after.missing);
    // A group size that is not a positive whole number is refused before anything runs.
    expect(airfillIn(work, ['backfill', '--group-sensors', '0', '--data-dir', 'grouped']).stderr).toMatch(/--group-sensors.*"0" is not a positive whole number/);
  });

  it('resumes a backfill killed in the middle of an execution: nothing lost, nothing written twice', async () => {
    // Killed (the whole process group, SIGKILL) once a chunk is written, while the next builds features.
    // One chunk at a time: a chunk's start-transform after a write-predictions means that write is committed.
    const child = spawn(tsx, [main, 'backfill', '--csv', 'net.csv', '--chunk', String(CHUNK), '--max-concurrency', '1', '--data-dir', 'killed'], {
      cwd: work,
      env: { ...process.env, INIT_CWD: work, DATABASE_URL: '', AIRFILL_TEST_ADMIN_URL: '' },
      detached: true,
    });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/write-predictions[\s\S]*start-transform/.test(stderr)) {
          process.kill(-child.pid!, 'SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`backfill ended (${code}) before it could be killed:\n${stderr}`)));
    });
    await new Promise((resolve) => child.once('close', resolve));
    // SIGKILL reaches the embedded server's processes too; they are gone a moment later, not at once.
    await processesGone(path.join(work, 'killed'));

    const killed = status('killed');
    expect(killed.imputed).toBeGreaterThan(0);
    expect(killed.unfilled).toBeGreaterThan(0);

    const resumed = airfillIn(work, ['backfill', '--chunk', String(CHUNK), '--data-dir', 'killed']);
    expect(resumed.code).toBe(0);
    // The runs the killed process left open are closed and their claims taken back.
    expect(resumed.stderr).toMatch(/closed \d+ run\(s\) an interrupted earlier process had left open/);
    const after = status('killed');
    expect(after).toMatchObject({ unfilled: 0, imputed: after.missing });
    const filled = exportedReadings('killed');
    expect(filled).toHaveLength(after.missing);
    expect(new Set(filled).size).toBe(filled.length);
  });
});
