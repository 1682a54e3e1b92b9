import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { hasXgboost, seededRandom } from '@airfill/model';

import { needsTool } from '@airfill/tooling/needs-tool';
import { airfillIn, workFolder } from './support/airfill';

const withXgboost = needsTool('xgboost', hasXgboost(), 'apt-get install -y xgboost').it;

const work = workFolder('airfill-model-cli-');

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const airfill = (args: string[], env: Record<string, string> = {}) => airfillIn(work, args, { env });

/**
 * Four sensors a few km apart, 21 days hourly: a shared PM 2.5 signal with a
 * daily cycle, PM 10 alongside; a few outages (sentinel 65535) to fill, and
 * one sensor whose PM 2.5 is missing throughout.
 */
function writeNetworkCsv(file: string): number {
  const random = seededRandom(3);
  const lines = ['timestamp,value,parameter,device_id,latitude,longitude'];
  let missing = 0;
  let level = 30;
  const start = Date.UTC(2024, 2, 1);
  for (let hour = 0; hour < 21 * 24; hour += 1) {
    level = Math.max(3, level + (random() - 0.5) * 10 + (30 - level) * 0.05);
    const stamp = new Date(start + hour * 3_600_000).toISOString().replace('T', ' ').replace('Z', ' +0000');
    for (let sensor = 0; sensor < 4; sensor += 1) {
      const pm25 = level * (1 + 0.3 * Math.sin((2 * Math.PI * hour) / 24)) * (0.9 + 0.1 * sensor) + random() * 3;
      const outage = (sensor === 1 && hour % 97 < 5) || sensor === 3;
      if (outage) missing += 1;
      const site = `s${sensor},${(48 + sensor * 0.02).toFixed(3)},${(9 + sensor * 0.01).toFixed(3)}`;
      lines.push(`${stamp},${outage ? 65535 : pm25.toFixed(1)},PM 2.5,${site}`);
      lines.push(`${stamp},${(pm25 * 1.5 + random() * 5).toFixed(1)},PM 10,${site}`);
    }
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return missing;
}

const csv = path.join(work, 'network.csv');
const missing = writeNetworkCsv(csv);

describe('airfill impute', () => {
  it('writes one finite prediction per missing value with the default model, without a database', () => {
    const result = airfill(['impute', '--input', 'network.csv', '--out', 'out/pred.csv']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(new RegExp(`filled ${missing.toLocaleString('en-US')} missing PM 2.5 value`));
    const [header, ...rows] = readFileSync(path.join(work, 'out/pred.csv'), 'utf8').trim().split('\n');
    expect(header).toBe('device_id,parameter,timestamp,value,lower,upper,model_version');
    expect(rows).toHaveLength(missing);
    for (const row of rows) {
      const [device, parameter, timestamp, value, lower, upper] = row.split(',');
      expect(device).toMatch(/^s[13]$/);
      expect(parameter).toBe('PM 2.5');
      expect(timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.000\+00:00$/);
      expect(Number.isFinite(Number(value))).toBe(true);
      // The calibrated interval: both bounds, around the value.
      expect(lower !== '' && upper !== '' && Number(lower) <= Number(value) && Number(value) <= Number(upper)).toBe(true);
    }
  });

  it('refuses a parameter no model predicts, saying how to get one', () => {
    // The network's PM 10, named CO: no default model fills CO.
    writeFileSync(path.join(work, 'co.csv'), readFileSync(csv, 'utf8').replace(/,PM 10,/g, ',CO,'));
    const result = airfill(['impute', '--input', 'co.csv', '--out', 'x.csv', '--parameter', 'CO']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no model for CO: pass --train-csv/);
  });
});

describe('airfill evaluate', () => {
  it('prints the metrics table for the model and the three baselines as JSON, by stratum, with the intervals', () => {
    const result = airfill(['evaluate', '--csv', 'network.csv', '--share', '0.3', '--json']);
    expect(result).toMatchObject({ code: 0 });
    const table = JSON.parse(result.stdout) as {
      model: { mae: number; count: number };
      baselines: Record<string, { mae: number }>;
      strata: { gap: Record<string, { count: number }>; neighbours: Record<string, { count: number }> };
      intervals: { level: number; overall: { coverage: number } };
    };
    expect(table.model.count).toBeGreaterThan(60);
    expect(Object.keys(table.baselines).sort()).toEqual(['linear', 'locf', 'stationMean']);
    expect(Number.isFinite(table.model.mae)).toBe(true);
    const counted = (strata: Record<string, { count: number }>) => Object.values(strata).reduce((sum, stratum) => sum + stratum.count, 0);
    expect(counted(table.strata.gap)).toBe(table.model.count);
    expect(counted(table.strata.neighbours)).toBe(table.model.count);
    expect(table.intervals.level).toBe(0.9);
    expect(table.intervals.overall.coverage).toBeGreaterThan(0.5);
  });

  it('prints the strata and the coverage as a table', () => {
    const result = airfill(['evaluate', '--csv', 'network.csv']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/^stratum\s+values\s+model MAE\s+linear MAE\s+gain\s+coverage\s+width\s+interval score$/m);
    expect(result.stdout).toMatch(/^gap 1\s+\d+/m);
    expect(result.stdout).toMatch(/90% intervals: coverage [01]\.\d{3}/);
  });
});

describe('airfill train', () => {
  it('says how to install xgboost when the CLI is missing', () => {
    const result = airfill(['train', '--csv', 'network.csv', '--database-url', database.url], { XGBOOST_BIN: '/nonexistent/xgboost' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/apt-get install -y xgboost/);
  });

  withXgboost(
    'trains every parameter, registers each model, applies each gate, writes the model set, and a model then fills the file',
    async () => {
      const result = airfill(['train', '--csv', 'network.csv', '--out', 'models', '--rounds', '60', '--json', '--database-url', database.url]);
      expect(result).toMatchObject({ code: 0 });
      const outcome = JSON.parse(result.stdout) as { models: { parameter: string; model: string; gate: { promote: boolean; reason: string } }[]; notTrained: unknown[] };
      expect(outcome.models.map((model) => model.parameter)).toEqual(['PM 10', 'PM 2.5']);
      expect(outcome.notTrained).toEqual([]);
      const { rows } = await database.pool.query<{ parameter: string; version: string; status: string; forced: boolean }>(
        `select parameter, version, status, (metrics->'gate'->>'forced')::boolean as forced from models order by parameter`,
      );
      expect(rows).toEqual(outcome.models.map((model) => ({ parameter: model.parameter, version: model.model, status: model.gate.promote ? 'current' : 'candidate', forced: false })));
      // One folder per parameter, listed in the set's manifest.
      const manifest = JSON.parse(readFileSync(path.join(work, 'models', 'manifest.json'), 'utf8')) as { models: { parameter: string; dir: string; version: string }[] };
      expect(manifest.models).toEqual(outcome.models.map((model) => ({ parameter: model.parameter, dir: model.parameter === 'PM 10' ? 'pm10' : 'pm25', version: model.model })));
      const pm25 = outcome.models.find((model) => model.parameter === 'PM 2.5')!;
      const filled = airfill(['impute', '--input', 'network.csv', '--out', 'pred2.csv', '--model', 'models/pm25']);
      expect(filled).toMatchObject({ code: 0 });
      expect(readFileSync(path.join(work, 'pred2.csv'), 'utf8')).toContain(pm25.model);
    },
    120_000,
  );

  withXgboost(
    'keeps a model that loses the gate a candidate without --force; the current model stays current',
    async () => {
      const before = await database.pool.query<{ version: string }>(`select version from models where status = 'current'`);
      // Three boosting rounds: far worse than the model trained above, or the default model it was gated against.
      const result = airfill(['train', '--csv', 'network.csv', '--parameter', 'PM 2.5', '--out', 'weak-kept', '--rounds', '3', '--json', '--database-url', database.url]);
      expect(result).toMatchObject({ code: 0 });
      const [outcome] = (JSON.parse(result.stdout) as { models: { model: string; gate: { promote: boolean; forced: boolean; reason: string } }[] }).models;
      if (!outcome) throw new Error(`no model trained: ${result.stdout}`);
      expect(outcome.gate).toMatchObject({ promote: false, forced: false, reason: expect.stringMatching(/does not beat/) });
      const { rows } = await database.pool.query<{ version: string; status: string }>(`select version, status from models where version = $1`, [outcome.model]);
      expect(rows).toEqual([{ version: outcome.model, status: 'candidate' }]);
      expect((await database.pool.query<{ version: string }>(`select version from models where status = 'current'`)).rows).toEqual(before.rows);
    },
    120_000,
  );

  withXgboost(
    'promotes a model that loses the gate only with --force, and records that it was forced',
    async () => {
      // Three boosting rounds: far worse than the model trained above, which is now current.
      const result = airfill(['train', '--csv', 'network.csv', '--parameter', 'PM 2.5', '--out', 'weak', '--rounds', '3', '--force', '--json', '--database-url', database.url]);
      expect(result).toMatchObject({ code: 0 });
      expect(result.stderr).toMatch(/warning: .*promoted anyway \(--force\)/);
      const [outcome] = (JSON.parse(result.stdout) as { models: { model: string; gate: { promote: boolean; forced: boolean } }[] }).models;
      if (!outcome) throw new Error(`no model trained: ${result.stdout}`);
      expect(outcome.gate).toMatchObject({ promote: true, forced: true });
      const { rows } = await database.pool.query<{ status: string; forced: boolean }>(
        `select status, (metrics->'gate'->>'forced')::boolean as forced from models where version = $1`,
        [outcome.model],
      );
      expect(rows).toEqual([{ status: 'current', forced: true }]);
    },
    120_000,
  );
});

describe('airfill impute --train-csv', () => {
  withXgboost(
    'trains on the given file first, applies the gate, and fills with the winner',
    () => {
      const result = airfill(['impute', '--input', 'network.csv', '--out', 'pred3.csv', '--train-csv', 'network.csv']);
      expect(result).toMatchObject({ code: 0 });
      expect(result.stderr).toMatch(/gate: candidate MAE [\d.]+ (beats|does not beat) (current model|the best baseline)/);
      const rows = readFileSync(path.join(work, 'pred3.csv'), 'utf8').trim().split('\n').slice(1);
      expect(rows).toHaveLength(missing);
      expect(rows.filter((row) => /,-?[\d.]+,-?[\d.]+,-?[\d.]+,[^,]+$/.test(row))).toHaveLength(missing);
    },
    120_000,
  );
});

describe('airfill train over every parameter, when one cannot be trained', () => {
  withXgboost(
    'trains the others, names the one that failed with the line xgboost gave, and exits 1',
    () => {
      // The first training call (PM 10's, trained first) fails as xgboost fails; the probe and every later call are the real xgboost.
      const calls = path.join(work, 'xgboost-calls');
      const script = path.join(work, 'xgboost-failing-once');
      writeFileSync(
        script,
        `#!/bin/sh\ncase "$1" in --help | -h) exec xgboost "$@" ;; esac\nn=$(cat '${calls}' 2>/dev/null || echo 0)\necho $((n + 1)) > '${calls}'\nif [ "$n" = 0 ]; then echo '[00:00:00] Check failed: injected' >&2; echo 'Use xgboost -h for showing help information.' >&2; exit 1; fi\nexec xgboost "$@"\n`,
      );
      chmodSync(script, 0o755);
      const result = airfill(['train', '--csv', 'network.csv', '--rounds', '20', '--json', '--database-url', database.url], { XGBOOST_BIN: script });
      expect(result.code).toBe(1);
      const outcome = JSON.parse(result.stdout) as { models: { parameter: string }[]; notTrained: { parameter: string; reason: string }[] };
      expect(outcome.models.map((model) => model.parameter)).toEqual(['PM 2.5']);
      expect(outcome.notTrained).toEqual([{ parameter: 'PM 10', reason: 'xgboost exited with code 1: [00:00:00] Check failed: injected' }]);
      expect(result.stderr).toMatch(/PM 10: not trained: xgboost exited with code 1: \[00:00:00\] Check failed: injected/);
    },
    120_000,
  );
});
