import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { airfillIn, workFolder } from './support/airfill';

const work = workFolder('airfill-cli-');

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

/** On a server's database (the embedded default is covered by exit-codes.test.ts). */
const airfill = (...args: string[]) => airfillIn(work, args, { databaseUrl: database.url });

const header = 'parameter,timestamp,value,device_id,latitude,longitude';
const anchorRows = [
  'PM 2.5,2023-07-15 09:00:00.000 +0200,10,s1,48.1,9.1',
  'PM 2.5,2023-07-15 10:00:00.000 +0200,65535,s1,48.1,9.1',
  'PM 10,2023-07-15 10:00:00.000 +0200,,s1,48.1,9.1',
  'PM 2.5,2023-07-15 09:00:00.000 +0200,12,s2,48.2,9.2',
];

describe('airfill load and status', () => {
  it('loads a file, exits 0, and status --json gives exact counts; a second load changes nothing', () => {
    writeFileSync(path.join(work, 'good.csv'), `${header}\n${anchorRows.join('\n')}\n`);
    const first = airfill('load', 'good.csv');
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/4 rows, 4 new readings, 0 already stored, 0 rejected; 2 missing values; 2 sensors/);
    const day = (expected: number, valid: number) => ({ day: '2023-07-15', expected, valid, capture: valid / expected });
    const expected = {
      sensors: 2,
      readings: 4,
      missing: 2,
      imputed: 0,
      unfilled: 2,
      parameters: {
        'PM 10': {
          readings: 1,
          missing: 1,
          imputed: 0,
          unfilled: 1,
          completeness: { expected: 1, valid: 0, capture: 0, sensors: [{ deviceId: 's1', expected: 1, valid: 0, capture: 0, days: 1, daysMeetingObjective: 0, daily: [day(1, 0)] }] },
          // The model that fills it: the committed default one, as nothing was trained here.
          model: { version: expect.stringMatching(/^pm10-/), source: 'default' },
          // No run has checked its model live yet.
          live: null,
        },
        // Both sensors are expected hourly up to the network's latest reading (08:00Z): s2 is silent at 08:00.
        'PM 2.5': {
          readings: 3,
          missing: 1,
          imputed: 0,
          unfilled: 1,
          completeness: {
            expected: 4,
            valid: 2,
            capture: 0.5,
            sensors: ['s1', 's2'].map((deviceId) => ({ deviceId, expected: 2, valid: 1, capture: 0.5, days: 1, daysMeetingObjective: 0, daily: [day(2, 1)] })),
          },
          model: { version: expect.stringMatching(/^pm25-/), source: 'default' },
          live: null,
        },
      },
      completenessWindow: { from: '2023-06-15T08:00:00.001Z', to: '2023-07-15T08:00:00.001Z' },
    };
    expect(JSON.parse(airfill('status', '--json').stdout)).toEqual(expected);
    expect(airfill('load', 'good.csv')).toMatchObject({ code: 0, stdout: expect.stringMatching(/0 new readings, 4 already stored/) });
    expect(JSON.parse(airfill('status', '--json').stdout)).toEqual(expected);
  });

  it('loads the valid rows of a file with bad rows, writes the rejects file, summarises on stderr and exits 1', () => {
    const rows = ['PM 2.5,2023-07-16 09:00:00 +0200,1,s3,48.1,9.1', 'PM 2.5,2023-07-16 10:00:00,2,s3,48.1,9.1', 'PM 2.5,2023-07-16 11:00:00 +0200,abc,s3,48.1,9.1'];
    writeFileSync(path.join(work, 'mixed.csv'), `${header}\n${rows.join('\n')}\n`);
    const result = airfill('load', 'mixed.csv', '--rejects', 'rejects.csv');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/2 row\(s\) rejected; the valid rows were loaded/);
    expect(result.stderr).toMatch(/line 3, column timestamp: timestamp has no UTC offset/);
    expect(result.stderr).toMatch(/line 4, column value: value "abc" is not a number/);
    const rejects = readFileSync(path.join(work, 'rejects.csv'), 'utf8').trim().split('\n');
    expect(rejects[0]).toBe('line,column,reason,row');
    expect(rejects).toHaveLength(3);
    expect(rejects[2]).toMatch(/^4,value,"value ""abc"" is not a number",/);
  });

  it('fails with a clear message and exit 2 when required columns are missing, loading nothing', () => {
    writeFileSync(path.join(work, 'wrong.csv'), 'when,what\n1,2\n');
    const before = airfill('status', '--json').stdout;
    const result = airfill('load', 'wrong.csv');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/required columns .* missing from the header[\s\S]*nothing was loaded/);
    expect(airfill('status', '--json').stdout).toBe(before);
  });

  it('refuses a sentinel that is not a number', () => {
    const result = airfill('load', 'good.csv', '--sentinel', 'lots');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"lots" is not a number/);
  });
});
