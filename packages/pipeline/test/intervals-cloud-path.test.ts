import { imputeMissing, loadModelFromSet, type Dataset, type LoadedModel } from '@airfill/model';
import { groupObservations, type FeatureMatrix, type Observation } from '@airfill/features';
import type { ContextRecord, MissingRecord } from '@airfill/schema';
import { buildFeatureRows, checkTransformOutput, plausibleRangeFor } from '../src';

/**
 * The cloud path keeps only the baseline and the calibration key per row, and
 * SageMaker returns only the raw output: the callback must still give every
 * filled value the same value and interval as the local scorer does.
 */
const HOUR = 3_600_000;
const PM = 'PM 2.5';
const T0 = Date.UTC(2024, 2, 1);

function network(): Dataset {
  const sites = Array.from({ length: 5 }, (_, i) => ({ deviceId: `s${i}`, latitude: 39.9 + i * 0.02, longitude: 116.3 + (i % 2) * 0.03 }));
  const observations: Observation[] = [];
  for (const [i, site] of sites.entries()) {
    for (let hour = 0; hour < 24 * 8; hour += 1) {
      const ts = T0 + hour * HOUR;
      const level = 40 + 30 * Math.sin(hour / 9) + 10 * Math.sin((2 * Math.PI * hour) / 24) + 5 * i;
      // Gaps of every kind: single hours, a day-long outage, and network-wide hours.
      const missing = (hour + 3 * i) % 17 === 0 || (i === 1 && hour >= 60 && hour < 90) || hour % 50 === 7;
      observations.push({ deviceId: site.deviceId, parameter: PM, ts, value: missing ? null : Math.round(level * 10) / 10 });
      observations.push({ deviceId: site.deviceId, parameter: 'PM 10', ts, value: missing && i === 1 ? null : Math.round(level * 16) / 10 });
    }
  }
  observations.sort((a, b) => a.ts - b.ts);
  return { sites, observations, parameters: ['PM 10', PM] };
}

/** What SageMaker's XGBoost container does with the input: drop the id, score, join id and output. */
function transform(lines: readonly string[], model: LoadedModel): string[] {
  const rows = lines.map((line) => line.split(','));
  const columns = model.contract.columns.length;
  const values = new Float64Array(rows.length * columns);
  rows.forEach((cells, row) => cells.slice(1).forEach((cell, column) => (values[row * columns + column] = cell === '' ? Number.NaN : Number(cell))));
  const matrix: FeatureMatrix = { contract: model.contract, rows: rows.length, columns, values };
  const outputs = model.predict(matrix);
  return [rows.map((cells, row) => `${cells[0]},${outputs[row]}`).join('\n')];
}

describe('intervals on the cloud path', () => {
  it('gives every filled value the same value and interval as the local scorer', async () => {
    const model = (await loadModelFromSet(PM))!;
    expect(model.calibration).not.toBeNull();
    const dataset = network();
    const local = imputeMissing(dataset, model);
    expect(local.length).toBeGreaterThan(100);

    const missing: MissingRecord[] = local.map((value, id) => ({ id, deviceId: value.deviceId, parameter: PM, ts: new Date(value.ts).toISOString() }));
    const context: ContextRecord[] = [
      ...dataset.sites.map((site) => ({ kind: 'site' as const, ...site })),
      ...groupObservations(dataset.observations).map((series) => ({ kind: 'series' as const, ...series, ts: [...series.ts], values: [...series.values] })),
    ];
    const rows = buildFeatureRows(missing, context, model.contract, model.calibration!.stepMs);
    expect(rows.skipped).toEqual([]);
    // The manifest travels as JSON through S3.
    const manifest = JSON.parse(JSON.stringify({ modelVersion: model.version, contract: model.contract, calibration: model.calibration })) as Parameters<typeof checkTransformOutput>[2];
    const check = checkTransformOutput(transform(rows.lines, model), rows.targets, manifest, plausibleRangeFor(PM));
    if (!check.ok) throw new Error(check.reason);

    const cloud = new Map(check.predictions.map((prediction) => [`${prediction.deviceId}@${Date.parse(prediction.ts)}`, prediction]));
    expect(cloud.size).toBe(local.length);
    for (const value of local) {
      const twin = cloud.get(`${value.deviceId}@${value.ts}`)!;
      expect([twin.value, twin.lower, twin.upper]).toEqual([value.value, value.lower, value.upper].map((number) => expect.closeTo(number!, 9)));
      expect(twin.lower!).toBeLessThan(twin.upper!);
    }
  });
});
