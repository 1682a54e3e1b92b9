import type { Database } from '../connection';
import { DatabaseInputError } from '../errors';

/** Counts of one parameter. `unfilled` = missing readings with no imputation. */
export interface ParameterCounts {
  readings: number;
  missing: number;
  imputed: number;
  unfilled: number;
}

/** What `airfill status --json` prints; later commands keep this shape. */
export interface StatusReport extends ParameterCounts {
  sensors: number;
  parameters: Record<string, ParameterCounts>;
}

/** Counts readings, missing values and imputations, overall and per parameter. */
export async function readStatus(database: Database): Promise<StatusReport> {
  const { rows } = await database.pool.query<{
    parameter: string;
    readings: string;
    missing: string;
    imputed: string;
  }>(`
    select r.parameter,
           count(*) as readings,
           count(*) filter (where r.value is null) as missing,
           count(i.ts) filter (where r.value is null) as imputed
      from readings r
      left join imputations i using (sensor_ref, parameter, ts)
     group by r.parameter
     order by r.parameter`);
  const sensorCount = await database.pool.query<{ n: string }>('select count(*) as n from sensors');
  const parameters: Record<string, ParameterCounts> = {};
  const total: ParameterCounts = { readings: 0, missing: 0, imputed: 0, unfilled: 0 };
  for (const row of rows) {
    const counts = {
      readings: Number(row.readings),
      missing: Number(row.missing),
      imputed: Number(row.imputed),
      unfilled: Number(row.missing) - Number(row.imputed),
    };
    parameters[row.parameter] = counts;
    for (const key of Object.keys(total) as (keyof ParameterCounts)[]) total[key] += counts[key];
  }
  return { sensors: Number(sensorCount.rows[0]?.n ?? 0), ...total, parameters };
}

/** Missing and imputed counts per sensor and parameter. */
export interface SensorGapSummary {
  deviceId: string;
  parameter: string;
  readings: number;
  missing: number;
  imputed: number;
  firstMissing: Date | null;
  lastMissing: Date | null;
}

/** Per sensor and parameter: how many readings, how many missing, how many filled. */
export async function summariseGapsBySensor(database: Database): Promise<SensorGapSummary[]> {
  const { rows } = await database.pool.query<{
    device_id: string;
    parameter: string;
    readings: string;
    missing: string;
    imputed: string;
    first_missing: Date | null;
    last_missing: Date | null;
  }>(`
    select s.device_id, r.parameter,
           count(*) as readings,
           count(*) filter (where r.value is null) as missing,
           count(i.ts) filter (where r.value is null) as imputed,
           min(r.ts) filter (where r.value is null) as first_missing,
           max(r.ts) filter (where r.value is null) as last_missing
      from readings r
      join sensors s on s.id = r.sensor_ref
      left join imputations i using (sensor_ref, parameter, ts)
     group by s.device_id, r.parameter
     order by s.device_id, r.parameter`);
  return rows.map((row) => ({
    deviceId: row.device_id,
    parameter: row.parameter,
    readings: Number(row.readings),
    missing: Number(row.missing),
    imputed: Number(row.imputed),
    firstMissing: row.first_missing,
    lastMissing: row.last_missing,
  }));
}

/** The parameters stored (from the channels the loader records: small, unlike `readings`), sorted. */
export async function listParameters(database: Database): Promise<string[]> {
  const { rows } = await database.pool.query<{ parameter: string }>('select distinct parameter from sensor_channels order by parameter');
  return rows.map((row) => row.parameter);
}

/** Throws a `DatabaseInputError` naming the stored parameters when `parameter` is not one of them (a typo, a wrong case). */
export async function requireStoredParameter(database: Database, parameter: string): Promise<void> {
  const stored = await listParameters(database);
  if (stored.includes(parameter)) return;
  const list = stored.length ? `the parameters stored are: ${stored.map((name) => `"${name}"`).join(', ')}` : 'no readings are stored yet (load a CSV first)';
  throw new DatabaseInputError(`no readings of parameter "${parameter}" are stored; ${list}`, { parameter, stored });
}
