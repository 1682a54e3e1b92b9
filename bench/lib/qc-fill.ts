import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import type { Observation, SensorSite } from '@airfill/features';
import { runLocally } from '@airfill/local';
import type { ChannelType, QualityFlag } from '@airfill/quality';
import { benchDatabase } from './bench-database';
import type { InjectedReading } from './inject-faults';
import { interpolateInvalid } from './qc-mae';
import { isFault } from './qc-score';

/** What `airfill run` did with the faulty readings of one parameter, against the truth. */
export interface FillOutcome {
  /** Faulty readings (changed by more than the fault margin). */
  faults: number;
  /** ...whose value the run set aside (flagged invalid, raw kept)... */
  setAside: number;
  /** ...and filled with an imputation. */
  filled: number;
  /** On the filled ones: mean absolute error of the faulty value, of the filled value, and of linear interpolation over the set-aside values. */
  maeFaulty: number;
  maeFilled: number;
  maeInterpolated: number;
  /** Share of the filled ones whose true value is inside the imputation's interval (null when the model has no calibration). */
  coverage: number | null;
  /** On every faulty reading, what a reader gets (`readings_filled.value`, the faulty value where nothing replaced it). */
  maeReaderBefore: number;
  maeReaderAfter: number;
  runSeconds: number;
  executionStatus: string;
}

/** Writes observations as a CSV in the input contract (missing values as the 65535 sentinel), gzipped. */
async function writeContractCsv(file: string, observations: readonly Observation[], sites: readonly SensorSite[], channels: readonly ChannelType[]): Promise<void> {
  const site = new Map(sites.map((s) => [s.deviceId, s]));
  const sensorType = new Map(channels.map((c) => [`${c.deviceId}\u0000${c.parameter}`, c.sensorType ?? '']));
  const gzip = createGzip();
  const done = once(gzip.pipe(createWriteStream(file)), 'finish');
  gzip.write('device_id,timestamp,parameter,value,latitude,longitude,sensor_type\n');
  let chunk = '';
  for (const o of observations) {
    const s = site.get(o.deviceId)!;
    chunk += `${o.deviceId},${new Date(o.ts).toISOString()},${o.parameter},${o.value ?? 65535},${s.latitude},${s.longitude},${sensorType.get(`${o.deviceId}\u0000${o.parameter}`) ?? ''}\n`;
    if (chunk.length > 1 << 16) {
      if (!gzip.write(chunk)) await once(gzip, 'drain');
      chunk = '';
    }
  }
  gzip.end(chunk);
  await done;
}

interface StoredOutcome {
  value: number | null;
  imputed: number | null;
  lower: number | null;
  upper: number | null;
}

/**
 * Phase 2 of the quality-control benchmark: loads the faulty data into a
 * fresh database and runs the whole local pipeline on it, as `airfill run
 * --csv` does (quality-check first, then the fill of `parameter`), then
 * compares, on the faulty readings, the values the run filled in with the
 * faulty values and with linear interpolation, and counts how often the
 * truth falls inside the fill's interval.
 */
export async function fillFaults(
  data: { sites: SensorSite[]; channels: ChannelType[] },
  faulty: readonly Observation[],
  injected: readonly InjectedReading[],
  parameter: string,
  scale: number,
): Promise<FillOutcome> {
  const outDir = path.join(__dirname, '..', '.out');
  mkdirSync(outDir, { recursive: true });
  const csv = path.join(outDir, `qc-fill-${process.pid}.csv.gz`);
  await writeContractCsv(csv, faulty, data.sites, data.channels);
  const database = await benchDatabase('qc');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'airfill-bench-qc-'));
  try {
    const started = performance.now();
    const run = await runLocally({
      parameters: [parameter],
      dataDir,
      database,
      csv,
      keepObjects: false,
      writeReport: false,
      onProgress: (message) => console.log(`  ${message}`),
      onPipelineProgress: (event) => {
        if (event.kind === 'state' && event.phase !== 'entered') console.log(`  ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s  ${event.state} ${event.phase}${event.error ? `: ${event.error}` : ''}`);
      },
    });
    const runSeconds = (performance.now() - started) / 1000;
    const faults = injected.filter((reading) => isFault(reading, scale));
    const { rows } = await database.pool.query<StoredOutcome & { device_id: string; ts: Date }>(
      `select s.device_id, r.ts, r.value, i.value as imputed, i.lower, i.upper
         from unnest($1::text[], $2::timestamptz[]) as f(device_id, ts)
         join sensors s on s.device_id = f.device_id
         join readings r on r.sensor_ref = s.id and r.parameter = $3 and r.ts = f.ts
         left join imputations i on i.sensor_ref = r.sensor_ref and i.parameter = r.parameter and i.ts = r.ts`,
      [faults.map((f) => f.deviceId), faults.map((f) => new Date(f.ts)), parameter],
    );
    const stored = new Map(rows.map((row) => [`${row.device_id}\u0000${row.ts.getTime()}`, row]));
    // Linear interpolation over the values the run set aside, for comparison.
    const setAsideFlags: QualityFlag[] = faults
      .filter((f) => stored.get(`${f.deviceId}\u0000${f.ts}`)?.value === null)
      .map((f) => ({ deviceId: f.deviceId, parameter, ts: f.ts, check: 'range', severity: 'invalid', detail: '' }));
    const interpolated = interpolateInvalid(faulty, setAsideFlags);

    let setAside = 0;
    let filled = 0;
    let covered = 0;
    let withInterval = 0;
    const sums = { faulty: 0, filled: 0, interpolated: 0, readerBefore: 0, readerAfter: 0 };
    for (const fault of faults) {
      const row = stored.get(`${fault.deviceId}\u0000${fault.ts}`);
      const faultyError = Math.abs(fault.injected - fault.truth);
      sums.readerBefore += faultyError;
      sums.readerAfter += Math.abs((row?.value ?? row?.imputed ?? fault.injected) - fault.truth);
      if (!row || row.value !== null) continue;
      setAside += 1;
      if (row.imputed === null) continue;
      filled += 1;
      sums.faulty += faultyError;
      sums.filled += Math.abs(row.imputed - fault.truth);
      sums.interpolated += Math.abs((interpolated.get(fault.at) ?? fault.injected) - fault.truth);
      if (row.lower !== null && row.upper !== null) {
        withInterval += 1;
        if (fault.truth >= row.lower && fault.truth <= row.upper) covered += 1;
      }
    }
    return {
      faults: faults.length,
      setAside,
      filled,
      maeFaulty: sums.faulty / filled,
      maeFilled: sums.filled / filled,
      maeInterpolated: sums.interpolated / filled,
      coverage: withInterval > 0 ? covered / withInterval : null,
      maeReaderBefore: sums.readerBefore / faults.length,
      maeReaderAfter: sums.readerAfter / faults.length,
      runSeconds,
      executionStatus: run.execution.status,
    };
  } finally {
    await database.dispose();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(csv, { force: true });
  }
}
