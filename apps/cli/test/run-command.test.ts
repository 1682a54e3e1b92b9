/**
 * `airfill synth`, `run` and `export` as a user runs them on a server's
 * database: a real process, PostgreSQL, the local runtime; results on
 * stdout, progress on stderr. (`demo`, and every exit code on the default
 * embedded database: exit-codes-run.test.ts.)
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { airfillIn, workFolder } from './support/airfill';

const work = workFolder('airfill-cli-run-');

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

const airfill = (...args: string[]) => airfillIn(work, args, { databaseUrl: database.url });

describe('airfill synth, run, export', () => {
  it('generates a network, fills every parameter with a report, exports the imputations, and a second run fills nothing', () => {
    const synth = airfill('synth', '--out', 'net.csv', '--sensors', '5', '--days', '4', '--missing', '0.1', '--seed', '3');
    expect(synth.code).toBe(0);
    const missing = Number(/(\d+) missing/.exec(synth.stdout)?.[1]);
    expect(synth.stdout).toMatch(/wrote .*net\.csv: 2,400 rows, 5 sensors/);

    const run = airfill('run', '--csv', 'net.csv', '--data-dir', 'data');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/filling NO2, O3, PM 10, PM 2\.5, Temperature/);
    expect(run.stderr).toMatch(/PM 10: query-missing: claiming/);
    expect(run.stderr).toMatch(/Temperature: transform job airfill-local-[0-9a-f-]+: Completed/);
    const totals = /^all filled +([\d,]+) +([\d,]+) +([\d,]+)/m.exec(run.stdout)!.slice(1).map((text) => Number(text.replace(/,/g, '')));
    const [filled] = totals as [number];
    expect(filled).toBeGreaterThan(0);
    expect(filled).toBeLessThanOrEqual(missing);
    expect(totals[2]).toBe(0);
    expect(run.stdout).toMatch(/time per step[\s\S]*PM 10: write-predictions/);
    // Every parameter is complete, each filled by its own model.
    const status = JSON.parse(airfill('status', '--json', '--data-dir', 'data').stdout) as { parameters: Record<string, { unfilled: number; imputed: number; model: { source: string } | null }> };
    expect(Object.keys(status.parameters)).toEqual(['NO2', 'O3', 'PM 10', 'PM 2.5', 'Temperature']);
    for (const [parameter, counts] of Object.entries(status.parameters)) {
      expect({ parameter, unfilled: counts.unfilled, source: counts.model?.source }).toEqual({ parameter, unfilled: 0, source: 'default' });
    }
    const html = /report: (\S+\.html)/.exec(run.stderr)?.[1];
    expect(html && existsSync(html)).toBe(true);

    const exported = airfill('export', '--out', 'filled.csv');
    expect(exported.code).toBe(0);
    const lines = readFileSync(path.join(work, 'filled.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('device_id,parameter,timestamp,value,lower,upper,model_version,run_id');
    expect(lines).toHaveLength(filled + 1);
    expect(new Set(lines.slice(1).map((line) => line.split(',')[1]))).toEqual(new Set(['NO2', 'O3', 'PM 10', 'PM 2.5', 'Temperature']));
    // --parameter keeps one parameter's imputations.
    expect(airfill('export', '--out', 'pm10.csv', '--parameter', 'PM 10').code).toBe(0);
    const pm10 = readFileSync(path.join(work, 'pm10.csv'), 'utf8').trim().split('\n').slice(1);
    expect(pm10.length).toBe(status.parameters['PM 10']!.imputed);
    expect(pm10.every((line) => line.split(',')[1] === 'PM 10')).toBe(true);
    // Every filled value carries its interval, around it.
    const bounded = lines.slice(1).map((line) => line.split(',').slice(3, 6).map(Number)).filter(([value, lower, upper]) => lower! <= value! && value! <= upper! && lower! < upper!);
    expect(bounded).toHaveLength(filled);

    const again = airfill('run', '--csv', 'net.csv', '--data-dir', 'data', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ totals: { filledNow: 0, filledTotal: filled, unfilled: 0 }, execution: { status: 'succeeded' } });

    // Without --csv on a database that holds readings, run works on what is stored (no sample mixed in).
    const stored = airfill('run', '--data-dir', 'data', '--json');
    expect(stored.code).toBe(0);
    expect(stored.stderr).toMatch(/no CSV given: running on the readings already stored/);
    expect(JSON.parse(stored.stdout)).toMatchObject({ input: null, totals: { sensors: 5, filledNow: 0 } });
  });

  it("fills a parameter in chunks of --max-readings, each a run of its own, and reports the parameter's chunks as one", async () => {
    const own = await createTestDatabase();
    try {
      const inOwn = (...args: string[]) => airfillIn(work, args, { databaseUrl: own.url });
      expect(inOwn('synth', '--out', 'chunks.csv', '--sensors', '4', '--days', '3', '--parameters', 'PM 2.5', '--missing', '0.2', '--seed', '5').code).toBe(0);
      const run = inOwn('run', '--csv', 'chunks.csv', '--data-dir', 'chunks', '--max-readings', '15', '--json');
      expect(run.code).toBe(0);
      const chunks = Number(/^filling PM 2\.5 \((\d+) chunks\)/m.exec(run.stderr)?.[1]);
      expect(chunks).toBeGreaterThanOrEqual(3);
      expect(run.stderr).toMatch(new RegExp(`^PM 2\\.5 chunk ${chunks} of ${chunks}: `, 'm'));
      const report = JSON.parse(run.stdout) as { parameters: { parameter: string; runIds: string[]; ledger: { status: string; found: number; written: number } }[]; totals: { filledNow: number; unfilled: number } };
      expect(report.parameters).toHaveLength(1);
      const [pm25] = report.parameters;
      expect(pm25).toMatchObject({ parameter: 'PM 2.5', ledger: { status: 'succeeded', written: report.totals.filledNow } });
      expect(new Set(pm25!.runIds).size).toBe(chunks);
      expect(pm25!.ledger.found).toBe(pm25!.ledger.written);
      expect(report.totals).toMatchObject({ unfilled: 0 });
      // Every imputation is one chunk's run's, none written twice.
      const { rows } = await own.pool.query<{ run_id: string; n: string }>('select run_id::text as run_id, count(*) as n from imputations group by run_id');
      expect(rows.map((row) => row.run_id).sort()).toEqual([...pm25!.runIds].sort());
      expect(rows.every((row) => Number(row.n) <= 15)).toBe(true);
      expect(rows).toHaveLength(chunks);
    } finally {
      await own.drop();
    }
  });

  it('refuses a synth share that is not a share', () => {
    const result = airfill('synth', '--out', 'x.csv', '--missing', '2');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"2" is not a share/);
  });
});
