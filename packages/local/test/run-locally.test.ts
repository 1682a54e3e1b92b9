/**
 * `airfill run` as a function: a user's CSV in the anchor format (columns in
 * any order, timestamps with different offsets, the three ways of writing
 * "missing") goes through load, the pipeline, the report and the export.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { claimMissingReadings, openRun } from '@airfill/db';
import { loadReadingsCsv } from '@airfill/ingest';
import { EXPORT_HEADER, exportImputations, formatRunReport, runLocally, runReportSchema } from '../src';

// Whole runs (and, for the CLI, whole processes) take seconds, more on a loaded machine.
jest.setTimeout(30_000);

let database: TestDatabase;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'airfill-run-test-'));
});
afterAll(async () => {
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

const SITES = [
  { id: 'anchor-1', lat: 48.78, lon: 9.18, offset: '+0200' },
  { id: 'anchor-2', lat: 48.8, lon: 9.21, offset: '+0200' },
  { id: 'anchor-3', lat: 48.76, lon: 9.15, offset: '-0500' },
];
/** Missing cells: (sensor index, hour) -> how the value is written. */
const MISSING = new Map([
  ['0:10', '65535'],
  ['0:11', ''],
  ['0:12', 'NaN'],
  ['1:30', '65535'],
  ['2:20', '65535'],
  ['2:21', '65535'],
]);

/** Three sensors, two days hourly, PM 2.5 and PM 10, columns shuffled, local times with their offsets. */
function anchorCsv(): string {
  const header = 'value,street_name,timestamp,device_id,parameter,longitude,sensor_type,latitude,city,sensor_id,country,chip_id,location_id,location,deployment_date';
  const lines = [header];
  for (let hour = 0; hour < 48; hour += 1) {
    for (const [index, site] of SITES.entries()) {
      const offsetHours = Number(site.offset.slice(0, 3));
      const local = new Date(Date.UTC(2023, 6, 15, hour) + offsetHours * 3_600_000).toISOString();
      const stamp = `${local.slice(0, 10)} ${local.slice(11, 23)} ${site.offset}`;
      const pm25 = (20 + 8 * Math.sin((2 * Math.PI * hour) / 24) + 2 * index).toFixed(1);
      const pm10 = (1.6 * Number(pm25)).toFixed(1);
      const cell = MISSING.get(`${index}:${hour}`) ?? pm25;
      const common = (parameter: string, value: string) =>
        `${value},Main St,${stamp},${site.id},${parameter},${site.lon},SDS011,${site.lat},Stuttgart,${site.id}-${parameter === 'PM 2.5' ? 'p25' : 'p10'},DE,chip-${index},loc-${index},"Main St ${index}, Stuttgart",2022-03-01`;
      lines.push(common('PM 2.5', cell), common('PM 10', pm10));
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('runLocally on a user CSV', () => {
  it('loads it, fills every missing value, writes the report as JSON and HTML, and a second run fills nothing twice', async () => {
    const csv = path.join(dir, 'user.csv');
    await writeFile(csv, anchorCsv());
    const dataDir = path.join(dir, 'data');
    const first = await runLocally({ parameters: ['PM 2.5'], dataDir, database, csv, keepObjects: false, execution: { retryIntervalMs: 10 } });

    expect(first.execution.status).toBe('succeeded');
    expect(first.report.input).toMatchObject({ file: 'user.csv', rows: 288, inserted: 288, rejected: 0, missing: MISSING.size });
    expect(first.report.totals).toEqual({ sensors: 3, readings: 144, missing: MISSING.size, filledNow: MISSING.size, filledTotal: MISSING.size, unfilled: 0 });
    expect(first.report.parameters.map((parameter) => parameter.parameter)).toEqual(['PM 2.5']);
    const pm25 = first.report.parameters[0]!;
    expect(pm25.sensors.map((sensor) => [sensor.deviceId, sensor.missing, sensor.filledNow])).toEqual([
      ['anchor-1', 3, 3],
      ['anchor-2', 1, 1],
      ['anchor-3', 2, 2],
    ]);
    expect(pm25.ledger).toEqual({ status: 'succeeded', found: MISSING.size, predicted: MISSING.size, written: MISSING.size, refused: 0, error: null });
    expect(first.report.steps.map((step) => step.step)).toEqual(expect.arrayContaining(['load CSV', 'quality-check', 'plan-parameters', 'report']));
    expect(pm25.steps.map((step) => step.step)).toEqual(expect.arrayContaining(['query-missing', 'transform job (scoring)', 'write-predictions']));
    expect(pm25.model.metrics.count).toBeGreaterThan(0);

    // The files: JSON in the report's schema, a self-contained HTML page with a chart per sensor.
    expect(first.files).toBeDefined();
    const json = runReportSchema.parse(JSON.parse(await readFile(first.files!.json, 'utf8')));
    expect(json.parameters[0]?.runId).toBe(first.execution.runs[0]!.runId);
    const html = await readFile(first.files!.html, 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(3);
    // The page and the JSON tell the same times: every step (the report's own too) and the total.
    expect(json.totalMs).toBeGreaterThan(0);
    expect(json.steps.at(-1)?.step).toBe('report');
    expect(html).toContain(`<tr><td>report</td><td>${(json.steps.at(-1)!.ms / 1000).toFixed(2)} s</td>`);
    expect(html).toContain(`<tr><td>total</td><td>${(json.totalMs / 1000).toFixed(2)} s</td>`);
    // The default model's metrics come from the data it was trained on, and the page says so.
    expect(json.parameters[0]?.model.trainedOn).toBe('beijing_2015-06.csv.gz');
    expect(html).toMatch(/trained on beijing_2015-06\.csv\.gz; holdout metrics from that data, [\d-]+ to [\d-]+, not from the data filled here/);
    // The live check, in both: the JSON's figures and the page's sentence and trend.
    const live = json.parameters[0]!.live!;
    expect(live).toMatchObject({ runs: 1, drift: false, modelVersion: json.parameters[0]!.model.version });
    expect(live.trend).toHaveLength(1);
    expect(html).toContain(`on ${live.points.toLocaleString('en-US')} observed values hidden from the model, MAE <strong>${live.mae!.toFixed(2)}</strong>`);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3)/);
    expect(existsSync(path.join(dataDir, 'reports', 'latest.html'))).toBe(true);

    // The export: one line per imputation, with its model and run.
    const out = path.join(dir, 'export.csv');
    expect(await exportImputations(database, out, { parameter: 'PM 2.5' })).toBe(MISSING.size);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe(EXPORT_HEADER);
    // 10:00 UTC for anchor-1 is hour 10 of the file, written as 12:00 +0200.
    expect(lines[1]).toMatch(new RegExp(`^anchor-1,PM 2.5,2023-07-15T10:00:00.000Z,[\\d.]+,[\\d.]+,[\\d.]+,${pm25.model.version},${first.execution.runs[0]!.runId}$`));
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['anchor-1', 'anchor-1', 'anchor-1', 'anchor-2', 'anchor-3', 'anchor-3']);

    const second = await runLocally({ parameters: ['PM 2.5'], dataDir, database, csv, keepObjects: false, writeReport: false });
    expect(second.report.input).toMatchObject({ inserted: 0, unchanged: 288 });
    expect(second.report.totals).toMatchObject({ filledNow: 0, filledTotal: MISSING.size, unfilled: 0 });
    expect(second.files).toBeUndefined();
    expect(await exportImputations(database, out, { parameter: 'PM 2.5' })).toBe(MISSING.size);
  });
});

describe('runLocally on a CSV with implausible values and a typo in the parameter', () => {
  it('stores out-of-range values as missing, says so in the report, and fills them like any gap', async () => {
    const own = await createTestDatabase();
    try {
      const csv = path.join(dir, 'odd.csv');
      // anchor-2 writes -999 for two hours, and 1e308 once: none of it is PM 2.5.
      const odd = anchorCsv()
        .split('\n')
        .map((line, index) => (line.includes('anchor-2,PM 2.5') && [15, 21, 27].includes(index) ? line.replace(/^[\d.]+,/, index === 27 ? '1e308,' : '-999,') : line))
        .join('\n');
      await writeFile(csv, odd);
      const result = await runLocally({ parameters: ['PM 2.5'], dataDir: path.join(dir, 'odd'), database: own, csv, keepObjects: false, writeReport: false });
      expect(result.report.input).toMatchObject({ rows: 288, rejected: 0, invalid: 3, sentinels: 0, missing: MISSING.size + 3 });
      expect(result.report.input?.untrusted).toEqual([
        expect.objectContaining({ deviceId: 'anchor-2', parameter: 'PM 2.5', invalid: 3, example: expect.objectContaining({ raw: '-999', detail: expect.stringMatching(/-999 is outside the plausible range of PM 2.5, 0 to 2000/) }) }),
      ]);
      expect(result.report.totals).toMatchObject({ missing: MISSING.size + 3, filledNow: MISSING.size + 3, unfilled: 0 });
      const { rows } = await own.pool.query<{ raw_value: string; fill_reason: string; is_imputed: boolean }>(
        `select f.raw_value, f.fill_reason, f.is_imputed from readings_filled f join sensors s on s.id = f.sensor_ref
          where s.device_id = 'anchor-2' and f.parameter = 'PM 2.5' and f.observed is null order by f.ts`,
      );
      expect(rows).toEqual([
        { raw_value: '-999', fill_reason: 'range', is_imputed: true },
        { raw_value: '-999', fill_reason: 'range', is_imputed: true },
        { raw_value: '1e308', fill_reason: 'range', is_imputed: true },
        { raw_value: '65535', fill_reason: 'missing', is_imputed: true },
      ]);
    } finally {
      await own.drop();
    }
  });

  it('names the parameters that exist when asked for one that does not, before any run', async () => {
    await expect(runLocally({ parameters: ['PM25'], dataDir: path.join(dir, 'typo'), database, keepObjects: false, writeReport: false })).rejects.toMatchObject({
      name: 'DatabaseInputError',
      message: 'no readings of parameter "PM25" are stored; the parameters stored are: "PM 10", "PM 2.5"',
    });
    const { rows } = await database.pool.query<{ n: string }>(`select count(*) as n from runs where parameter = 'PM25'`);
    expect(Number(rows[0]!.n)).toBe(0);
  });
});

describe('runLocally on a shared database where another run holds the gaps', () => {
  it('succeeds with nothing to fill and says which live run holds the missing readings', async () => {
    const shared = await createTestDatabase();
    try {
      const csv = path.join(dir, 'shared.csv');
      await writeFile(csv, anchorCsv());
      await loadReadingsCsv(shared, csv);
      // Another airfill, on another machine, is filling them right now.
      const other = await openRun(shared, { trigger: 'elsewhere', parameter: 'PM 2.5' });
      const held = await claimMissingReadings(shared, { runId: other.runId, parameter: 'PM 2.5', limit: 100 });
      expect(held).toHaveLength(MISSING.size);
      const result = await runLocally({ parameters: ['PM 2.5'], dataDir: path.join(dir, 'shared'), database: shared, keepObjects: false, writeReport: false });
      expect(result.report.execution).toMatchObject({ status: 'succeeded' });
      expect(result.report.parameters[0]).toMatchObject({ ledger: { found: 0 }, heldElsewhere: { readings: MISSING.size, runs: [{ runId: other.runId, claimed: MISSING.size }] } });
      expect(formatRunReport(result.report)).toContain(`PM 2.5: ${MISSING.size} of the missing readings are claimed by another run still running: ${other.runId} since`);
    } finally {
      await shared.drop();
    }
  });
});
