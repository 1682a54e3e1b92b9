/**
 * Every parameter in one execution, end to end on the real steps: each
 * parameter is filled in a run of its own with its own model; one
 * parameter's failure is recorded for it alone, the others' fills are kept,
 * and the next execution fills what failed, writing nothing twice.
 */
import { getRun } from '@airfill/db';
import { PARAMETERS_FAILED_ERROR } from '@airfill/workflow';
import { runPipeline } from '../src';
import { count, openNetwork, readingsFingerprint, type Network } from './support/network';

jest.setTimeout(120_000);

const PARAMETERS = ['NO2', 'O3', 'PM 10', 'PM 2.5', 'Temperature'];

let network: Network;
beforeAll(async () => {
  network = await openNetwork({ everyParameter: true });
});
afterAll(() => network.close());

/** Missing readings per parameter, and those of them without an imputation. */
async function gapsByParameter(): Promise<Record<string, { missing: number; unfilled: number }>> {
  const { rows } = await network.database.pool.query<{ parameter: string; missing: string; unfilled: string }>(
    `select r.parameter, count(*) as missing,
            count(*) filter (where not exists (select 1 from imputations i where i.sensor_ref = r.sensor_ref and i.parameter = r.parameter and i.ts = r.ts)) as unfilled
       from readings r where r.value is null group by r.parameter order by r.parameter`,
  );
  return Object.fromEntries(rows.map((row) => [row.parameter, { missing: Number(row.missing), unfilled: Number(row.unfilled) }]));
}

describe('one execution over every parameter', () => {
  it("records one parameter's failure for it alone, keeps the others' fills, and the next execution fills what failed", async () => {
    const fingerprint = await readingsFingerprint(network);
    const before = await gapsByParameter();
    expect(Object.keys(before)).toEqual(PARAMETERS);
    for (const parameter of PARAMETERS) expect({ parameter, missing: before[parameter]!.missing > 0 }).toEqual({ parameter, missing: true });

    // NO2's transform job fails; the other four parameters run beside it.
    const failed = await runPipeline(network.runtime, { faults: [{ at: 'transformJob', parameter: 'NO2' }], retryIntervalMs: 20 });
    expect(failed).toMatchObject({ status: 'failed', error: { name: PARAMETERS_FAILED_ERROR } });
    expect(failed.plan).toMatchObject({ parameters: PARAMETERS, withoutModel: [] });
    expect(failed.runs.map((run) => run.parameter)).toEqual(PARAMETERS);
    for (const run of failed.runs) {
      const ledger = await getRun(network.database, run.runId);
      if (run.parameter === 'NO2') expect(ledger).toMatchObject({ parameter: 'NO2', status: 'failed', error: { name: 'TransformJobFailedError' } });
      else expect(ledger).toMatchObject({ parameter: run.parameter, status: 'succeeded', found: before[run.parameter]!.missing, written: before[run.parameter]!.missing });
    }
    const after = await gapsByParameter();
    expect(after).toEqual(Object.fromEntries(PARAMETERS.map((parameter) => [parameter, { missing: before[parameter]!.missing, unfilled: parameter === 'NO2' ? before.NO2!.missing : 0 }])));
    expect(await count(network, 'select count(*) as n from claims')).toBe(0);

    const next = await runPipeline(network.runtime, { retryIntervalMs: 20 });
    expect(next).toMatchObject({ status: 'succeeded', output: { outcomes: PARAMETERS.map(() => 'succeeded') } });
    const no2 = next.runs.find((run) => run.parameter === 'NO2')!;
    expect(await getRun(network.database, no2.runId)).toMatchObject({ status: 'succeeded', found: before.NO2!.missing, written: before.NO2!.missing });
    for (const run of next.runs.filter((other) => other.parameter !== 'NO2')) expect(await getRun(network.database, run.runId)).toMatchObject({ status: 'succeeded', found: 0 });
    expect(Object.values(await gapsByParameter()).map((gaps) => gaps.unfilled)).toEqual(PARAMETERS.map(() => 0));
    // One imputation per missing reading, each by its own parameter's model version.
    const total = Object.values(before).reduce((sum, gaps) => sum + gaps.missing, 0);
    expect(await count(network, 'select count(*) as n from imputations')).toBe(total);
    const versions = await network.database.pool.query<{ parameter: string; version: string }>('select distinct parameter, model_version as version from imputations order by parameter');
    expect(versions.rows.map((row) => [row.parameter, row.version.split('-')[0]])).toEqual([
      ['NO2', 'no2'],
      ['O3', 'o3'],
      ['PM 10', 'pm10'],
      ['PM 2.5', 'pm25'],
      ['Temperature', 'temperature'],
    ]);
    expect(await readingsFingerprint(network)).toBe(fingerprint);
  });
});
