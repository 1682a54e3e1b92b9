import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { loadReadingsCsv } from '@airfill/ingest';
import { qualityCheck, silentLogger } from '@airfill/pipeline';
import { startLocalRuntime, writeSynthCsv, type LocalRuntime } from '../../src';

export const PARAMETER = 'PM 2.5';

/** A generated sensor network loaded into a fresh database, and a local runtime over it. */
export interface Network {
  database: TestDatabase;
  runtime: LocalRuntime;
  dir: string;
  close(): Promise<void>;
}

/**
 * Six sensors, six days, every parameter, about 10% missing (outages, single points, a dead sensor).
 * Quality control has run once over it, unless `qualityChecked` is false.
 * Its runtime fills PM 2.5, or every stored parameter with `everyParameter`.
 */
export async function openNetwork({ qualityChecked = true, everyParameter = false }: { qualityChecked?: boolean; everyParameter?: boolean } = {}): Promise<Network> {
  const dir = await mkdtemp(path.join(tmpdir(), 'airfill-local-test-'));
  const database = await createTestDatabase();
  const csv = await writeSynthCsv(path.join(dir, 'network.csv'), { sensors: 6, days: 6, missing: 0.1, seed: 3 });
  await loadReadingsCsv(database, csv.file);
  // Quality control once, as a first run would: every later run's quality-check then changes nothing
  // (it is idempotent), so the tests' fingerprints of the readings hold across runs.
  if (qualityChecked) await qualityCheck({ database, logger: silentLogger }, {}, { executionId: 'arn:aws:states:us-east-1:000000000000:execution:airfill-local:network-setup', input: {} });
  const runtime = await startLocalRuntime({ ...(everyParameter ? {} : { parameters: [PARAMETER] }), dataDir: dir, database, keepObjects: false, callbackRetryDelayMs: 10 });
  return {
    database,
    runtime,
    dir,
    async close() {
      await runtime.stop();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A number from a `select count(*) as n ...`. */
export async function count(network: Network, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await network.database.pool.query<{ n: string }>(sql, values);
  return Number(rows[0]?.n);
}

/** Missing readings of the parameter. */
export const missing = (network: Network) => count(network, `select count(*) as n from readings where parameter = $1 and value is null`, [PARAMETER]);

/** Missing readings of the parameter that have no imputation. */
export const unfilled = (network: Network) =>
  count(
    network,
    `select count(*) as n from readings r
      where r.parameter = $1 and r.value is null
        and not exists (select 1 from imputations i where i.sensor_ref = r.sensor_ref and i.parameter = r.parameter and i.ts = r.ts)`,
    [PARAMETER],
  );

/** Imputations of missing readings of the parameter (each reading has at most one: the key). */
export const filled = (network: Network) =>
  count(
    network,
    `select count(*) as n from imputations i join readings r using (sensor_ref, parameter, ts) where r.value is null and i.parameter = $1`,
    [PARAMETER],
  );

/**
 * A fingerprint of every stored reading, to prove the originals are
 * untouched: the raw value as received, and the trusted value of every
 * reading without an open invalid flag (quality control sets aside only
 * what it flags, keeping the raw text).
 */
export async function readingsFingerprint(network: Network): Promise<string> {
  const { rows } = await network.database.pool.query<{ md5: string }>(
    `select md5(string_agg(concat_ws('|', r.sensor_ref, r.parameter, r.ts, r.raw_value,
                 case when exists (select 1 from flags f where f.sensor_ref = r.sensor_ref and f.parameter = r.parameter and f.ts = r.ts
                                     and f.severity = 'invalid' and f.cleared_at is null) then 'flagged' else r.value::text end),
               ',' order by r.sensor_ref, r.parameter, r.ts)) as md5
       from readings r`,
  );
  return rows[0]!.md5;
}
