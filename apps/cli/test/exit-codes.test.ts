/**
 * Exit codes as the README's table gives them, for every command that works
 * on data, asserted on the default embedded database (no DATABASE_URL): the
 * path a new user and every cron job takes. The embedded server's exit hook
 * once turned every one of them into 0.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { airfillIn, expectOneLineFailure, workFolder } from './support/airfill';

jest.setTimeout(120_000);

const work = workFolder('airfill-exit-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const airfill = (...args: string[]) => airfillIn(work, [...args, '--data-dir', 'data']);

const header = 'timestamp,value,parameter,device_id,latitude,longitude';
const good = ['2023-07-15 09:00:00 +0200,10,PM 2.5,s1,48.1,9.1', '2023-07-15 10:00:00 +0200,65535,PM 2.5,s1,48.1,9.1', '2023-07-15 09:00:00 +0200,12,PM 2.5,s2,48.2,9.2'];

describe('airfill load on the embedded database', () => {
  it('exits 0 when every row loads, and says what it loaded', () => {
    writeFileSync(path.join(work, 'good.csv'), `${header}\n${good.join('\n')}\n`);
    const outcome = airfill('load', 'good.csv');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/3 rows, 3 new readings, 0 already stored, 0 rejected; 1 missing values; 2 sensors/);
  });

  it('exits 1 when exactly one row is rejected, and loads the others', () => {
    writeFileSync(path.join(work, 'one-bad.csv'), `${header}\n2023-07-16 09:00:00 +0200,1,PM 2.5,s3,48.1,9.1\n0023-07-16 09:00:00 +0200,2,PM 2.5,s3,48.1,9.1\n`);
    const outcome = airfill('load', 'one-bad.csv', '--rejects', 'one-bad.rejects.csv');
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/2 rows, 1 new readings, 0 already stored, 1 rejected/);
    expect(outcome.stderr).toMatch(/line 3, column timestamp: timestamp "0023-07-16 09:00:00 \+0200" is in the year 0023; airfill accepts 1970 to 2100/);
    expect(readFileSync(path.join(work, 'one-bad.rejects.csv'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('exits 0 for a value out of range: it loads, flagged and treated as missing, and the summary says so', () => {
    writeFileSync(path.join(work, 'odd.csv'), `${header}\n2023-07-17 09:00:00 +0200,-999,PM 2.5,s4,48.1,9.1\n2023-07-17 10:00:00 +0200,9999,PM 2.5,s4,48.1,9.1\n`);
    const outcome = airfill('load', 'odd.csv');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/2 rows, 2 new readings, 0 already stored, 0 rejected; 2 missing values/);
    expect(outcome.stderr).toMatch(/2 value\(s\) out of their plausible range were stored with their raw text, flagged invalid and treated as missing/);
    expect(outcome.stderr).toMatch(/s4 PM 2\.5: 2, e\.g\. 2023-07-17T07:00:00\.000000Z: -999 is outside the plausible range of PM 2\.5, 0 to 2000 \(default\)/);
  });

  it.each([
    ['an empty file', '', /the file is empty \(no header row\)/],
    ['a file without the required columns', 'when,what\n1,2\n', /required columns .* missing from the header/],
  ])('exits 2 on %s, loading nothing', (_case, content, message) => {
    writeFileSync(path.join(work, 'unusable.csv'), content);
    const outcome = airfill('load', 'unusable.csv');
    expect(outcome.code).toBe(2);
    expectOneLineFailure(outcome, message);
    expect(outcome.stderr).toMatch(/nothing was loaded/);
  });

  it('exits 2 before starting anything when the rejects file cannot be written', () => {
    const outcome = airfill('load', 'good.csv', '--rejects', 'no/such/folder/rejects.csv');
    expect(outcome.code).toBe(2);
    expectOneLineFailure(outcome, /cannot write the rejects file .*no\/such\/folder\/rejects\.csv: its folder does not exist/);
    expect(outcome.stderr).not.toMatch(/starting embedded PostgreSQL/);
  });

  it('exits 2 for a file that does not exist', () => {
    const outcome = airfill('load', 'missing.csv');
    expect(outcome.code).toBe(2);
    expectOneLineFailure(outcome, /missing\.csv: cannot read the file/);
  });

  it('exits 2 for a --plausibility file that is not right, naming the problem', () => {
    writeFileSync(path.join(work, 'ranges.json'), JSON.stringify({ ranges: { 'PM 2.5': { min: 10, max: 1 } } }));
    const outcome = airfill('load', 'good.csv', '--plausibility', 'ranges.json');
    expect(outcome.code).toBe(2);
    expectOneLineFailure(outcome, /--plausibility .*ranges\.json: ranges\.PM 2\.5: min must not be above max/);
  });
});

describe('airfill status, export and readings on the embedded database', () => {
  it('status exits 0 with the counts', () => {
    const outcome = airfill('status', '--json');
    expect(outcome.code).toBe(0);
    expect(JSON.parse(outcome.stdout)).toMatchObject({ sensors: 4, readings: 6, missing: 3 });
  });

  it('exits 2 in one line when another live airfill process holds the data directory', () => {
    // This test process stands in for the other airfill: a live process recorded as the cluster's owner.
    const owner = path.join(work, 'data', 'airfill-owner.json');
    const record = { pid: process.pid, startTime: null, startedAt: '2026-01-01T00:00:00.000Z', dataDir: path.join(work, 'data') };
    writeFileSync(owner, JSON.stringify(record));
    try {
      const outcome = airfill('status');
      expect(outcome.code).toBe(2);
      expectOneLineFailure(outcome, new RegExp(`embedded PostgreSQL of .*data is in use by airfill process ${process.pid} \\(since 2026-01-01T00:00:00.000Z\\)`));
    } finally {
      rmSync(owner);
    }
  });

  it('export exits 0 and writes the header when there is nothing to export yet', () => {
    const outcome = airfill('export', '--out', 'out/filled.csv');
    expect(outcome.code).toBe(0);
    expect(readFileSync(path.join(work, 'out/filled.csv'), 'utf8')).toBe('device_id,parameter,timestamp,value,lower,upper,model_version,run_id\n');
  });

  it('export exits 2 for a parameter that is not stored, naming those that are', () => {
    const outcome = airfill('export', '--out', 'out/x.csv', '--parameter', 'PM25');
    expect(outcome.code).toBe(2);
    expectOneLineFailure(outcome, /no readings of parameter "PM25" are stored; the parameters stored are: "PM 2\.5"/);
  });

  it('export exits 2 before starting anything when the output cannot be written', () => {
    const outcome = airfill('export', '--out', 'good.csv/inside-a-file.csv');
    expect(outcome.code).toBe(2);
    expectOneLineFailure(outcome, /cannot write the export .*good\.csv\/inside-a-file\.csv/);
    expect(outcome.stderr).not.toMatch(/starting embedded PostgreSQL/);
  });

  it('readings invalidate --dry-run exits 0 and changes nothing', () => {
    const outcome = airfill('readings', 'invalidate', '--device', 's1', '--from', '2023-07-15', '--to', '2023-07-16', '--dry-run');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/would invalidate 1 of 2 reading\(s\) of s1 from 2023-07-15T00:00:00\.000Z to 2023-07-16T00:00:00\.000Z/);
    expect(outcome.stdout).toMatch(/nothing changed \(--dry-run\)/);
    expect(JSON.parse(airfill('status', '--json').stdout)).toMatchObject({ missing: 3 });
  });

  it('readings exits 2 for a device that is not stored, naming those that are', () => {
    const outcome = airfill('readings', 'delete', '--device', 'nope', '--from', '2023-07-15', '--to', '2023-07-16');
    expect(outcome.code).toBe(2);
    expectOneLineFailure(outcome, /no device nope is stored; devices: s1, s2, s3, s4/);
  });

  it('readings exits 2 for a time without an offset', () => {
    const outcome = airfill('readings', 'delete', '--device', 's1', '--from', '2023-07-15 09:00', '--to', '2023-07-16');
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/timestamp has no UTC offset/);
  });

  it('exits 2 in one line for a database URL that is not one, and for a server that is not there', () => {
    const notUrl = airfill('status', '--database-url', 'base');
    expect(notUrl.code).toBe(2);
    expectOneLineFailure(notUrl, /"base" is not a postgres:\/\/ URL/);
    const nobody = airfill('status', '--database-url', 'postgres://airfill:secret@127.0.0.1:1/airfill');
    expect(nobody.code).toBe(2);
    expectOneLineFailure(nobody, /nothing accepts connections at 127\.0\.0\.1:1; is PostgreSQL running there\?/);
    expect(nobody.stderr).not.toMatch(/secret/);
  });
});

describe('commands without a database', () => {
  it('synth exits 0, and 2 for a bad argument', () => {
    expect(airfillIn(work, ['synth', '--out', 'synth.csv', '--sensors', '2', '--days', '1']).code).toBe(0);
    const bad = airfillIn(work, ['synth', '--out', 'synth.csv', '--days', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"many" is not a number/);
  });

  it('evaluate and impute exit 2 in one line for an input that does not exist', () => {
    const evaluate = airfillIn(work, ['evaluate', '--csv', 'nowhere.csv']);
    expect(evaluate.code).toBe(2);
    expectOneLineFailure(evaluate, /nowhere\.csv: cannot read the file/);
    const impute = airfillIn(work, ['impute', '--input', 'nowhere.csv', '--out', 'pred.csv']);
    expect(impute.code).toBe(2);
    expectOneLineFailure(impute, /nowhere\.csv: cannot read the file/);
  });

  it('an unknown command exits 2', () => {
    expect(airfillIn(work, ['fill-everything']).code).toBe(2);
  });
});
