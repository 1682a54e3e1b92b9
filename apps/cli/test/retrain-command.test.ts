/**
 * `airfill retrain` and `airfill models list|promote|rollback` as a user runs
 * them: processes on the default embedded database, with the README's exit
 * codes.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { hasXgboost } from '@airfill/model';
import { needsTool } from '@airfill/tooling/needs-tool';
import { airfillIn, expectOneLineFailure, workFolder } from './support/airfill';

jest.setTimeout(300_000);

const withXgboost = needsTool('xgboost', hasXgboost(), 'apt-get install -y xgboost').describe;
const work = workFolder('airfill-retrain-cli-');
const airfill = (...args: string[]) => airfillIn(work, [...args, '--data-dir', 'data']);

interface ModelRow {
  version: string;
  parameter: string;
  status: string;
  gate: { promote: boolean; reason: string } | null;
}
const models = (): ModelRow[] => (JSON.parse(airfill('models', 'list', '--json').stdout) as { models: ModelRow[] }).models;

interface RetrainRun {
  parameter: string;
  status: string;
  registered: { version: string; approval: string; current: boolean } | null;
  error: { name: string; cause: string } | null;
}

withXgboost('airfill retrain and airfill models', () => {
  beforeAll(() => {
    expect(airfillIn(work, ['synth', '--out', 'network.csv', '--sensors', '6', '--days', '20', '--parameters', 'PM 2.5,NO2', '--seed', '4'])).toMatchObject({ code: 0 });
    expect(airfill('load', 'network.csv')).toMatchObject({ code: 0 });
    // A parameter stored without one observed value: nothing to train on.
    writeFileSync(path.join(work, 'co.csv'), `timestamp,value,parameter,device_id,latitude,longitude\n2024-01-01T00:00:00Z,65535,CO,co-1,48.7,9.18\n2024-01-01T01:00:00Z,65535,CO,co-1,48.7,9.18\n`);
    expect(airfill('load', 'co.csv')).toMatchObject({ code: 0 });
  });

  it('trains, evaluates and promotes a first model for a parameter and exits 0', () => {
    const result = airfill('retrain', '--parameter', 'PM 2.5', '--rounds', '30', '--json');
    expect(result).toMatchObject({ code: 0 });
    const { runs } = JSON.parse(result.stdout) as { runs: RetrainRun[] };
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ parameter: 'PM 2.5', status: 'succeeded', registered: { approval: 'Approved', current: true } });
    expect(models()).toEqual([expect.objectContaining({ version: runs[0]!.registered!.version, parameter: 'PM 2.5', status: 'current', gate: expect.objectContaining({ promote: true }) })]);
  });

  it('registers a worse candidate as refused, keeps the current model, and still exits 0', () => {
    const [current] = models();
    const result = airfill('retrain', '--parameter', 'PM 2.5', '--rounds', '1');
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/rejected: /);
    const after = models();
    expect(after).toHaveLength(2);
    expect(after.find((model) => model.status === 'current')?.version).toBe(current!.version);
    expect(after.find((model) => model.version !== current!.version)).toMatchObject({ status: 'candidate', gate: { promote: false } });
  });

  it('promotes a refused model only with --force, then rolls back to the model before it', () => {
    const refused = models().find((model) => model.status === 'candidate')!;
    const previous = models().find((model) => model.status === 'current')!;
    const withoutForce = airfill('models', 'promote', refused.version, '--reason', 'try it');
    expect(withoutForce.code).toBe(2);
    expectOneLineFailure(withoutForce, /the evaluation gate refused .* add --force/);
    expect(models().find((model) => model.status === 'current')?.version).toBe(previous.version);

    const forced = airfill('models', 'promote', refused.version, '--reason', 'try it', '--force');
    expect(forced).toMatchObject({ code: 0 });
    expect(forced.stderr).toMatch(/warning: .* promoted although the evaluation gate refused it/);
    expect(models().find((model) => model.status === 'current')?.version).toBe(refused.version);

    const back = airfill('models', 'rollback', '--parameter', 'PM 2.5', '--reason', 'the forced model was worse');
    expect(back).toMatchObject({ code: 0 });
    expect(back.stdout).toContain(`${previous.version} is current again (was ${refused.version})`);
    expect(models().find((model) => model.status === 'current')?.version).toBe(previous.version);
  });

  it('exits 2 with one line when there is nothing to roll back to, a version is unknown, or a promotion has no reason', () => {
    const nothing = airfill('models', 'rollback', '--parameter', 'PM 2.5');
    expect(nothing.code).toBe(2);
    expectOneLineFailure(nothing, /PM 2\.5 has no earlier model to roll back to/);
    const unknown = airfill('models', 'promote', 'pm25-nope', '--reason', 'x');
    expect(unknown.code).toBe(2);
    expectOneLineFailure(unknown, /model pm25-nope is not registered/);
    expect(airfill('models', 'promote', 'pm25-nope').code).toBe(2);
  });

  it('exits 2 for a parameter that is not stored, and for a training run that fails (recorded)', () => {
    const missing = airfill('retrain', '--parameter', 'SO2');
    expect(missing.code).toBe(2);
    expectOneLineFailure(missing, /no readings of "SO2" are stored \(stored: CO, NO2, PM 2\.5\)/);
    const failed = airfill('retrain', '--parameter', 'CO', '--rounds', '5', '--json');
    expect(failed.code).toBe(2);
    const { runs } = JSON.parse(failed.stdout) as { runs: RetrainRun[] };
    expect(runs).toEqual([expect.objectContaining({ parameter: 'CO', status: 'failed', registered: null, error: expect.objectContaining({ name: expect.any(String) }) })]);
    expect(failed.stderr).toMatch(/CO: the training run .* failed/);
    expect(models().filter((model) => model.parameter === 'CO')).toHaveLength(0);
  });
});
