import type { Database } from '../connection';
import { numbersOf } from './numbers';
import { listReadingsPartitions } from './partitions';

/** Where a sensor stands (the feature contract's `SensorSite`). */
export interface ContextSite {
  deviceId: string;
  latitude: number;
  longitude: number;
}

/** The observed values of one parameter at one sensor, oldest first (the feature contract's `ObservedSeries`, times in epoch ms). */
export interface ContextSeries {
  deviceId: string;
  parameter: string;
  ts: number[];
  values: number[];
}

/**
 * Which sensors a context covers: every sensor (the default), or a group
 * (every parameter asked for) and the neighbours around it (only
 * `neighbourParameter`: what the group's neighbour features read).
 */
export interface ContextSensors {
  group: readonly string[];
  neighbours: readonly string[];
  neighbourParameter: string;
}

type SiteRow = { device_id: string; latitude: number; longitude: number };

const toSite = (row: SiteRow): ContextSite => ({ deviceId: row.device_id, latitude: row.latitude, longitude: row.longitude });

/** Every sensor, every parameter asked for. */
const WANTED_EVERY = `select id, device_id, true as every from sensors`;

/**
 * The group (`$5`: every parameter asked for) and its neighbours (`$6`:
 * only `$4`), as sensor ids: joined to `readings` by primary key, so a
 * group's context costs its own readings, not the network's.
 */
const WANTED_GROUP = `
  select id, device_id, true as every from sensors where device_id = any($5::text[])
  union all
  select id, device_id, false from sensors where device_id = any($6::text[]) and not device_id = any($5::text[])`;

/**
 * The context features need around a set of targets: the sites, and
 * every observed value of every parameter (or of `parameters`: those a model's
 * features read) in `[from, to)`, one series per sensor and parameter; with
 * `sensors`, only the group's sites and series and its neighbours' (see
 * {@link ContextSensors}).
 * Missing readings are left out (a model never sees the truth it predicts,
 * and NULL carries nothing); imputed values are left out too, from this run
 * or any other: features are made of observations only, so one parameter's
 * fills never feed another's predictions. The server joins each series into
 * two lists of numbers (epoch ms, values: float8's shortest exact text), so
 * a year of a network is a few hundred rows, not a million.
 */
export async function readFeatureContext(
  database: Database,
  window: { from: Date; to: Date; parameters?: readonly string[]; sensors?: ContextSensors },
): Promise<{ sites: ContextSite[]; series: ContextSeries[] }> {
  const group = window.sensors ? [...window.sensors.group] : null;
  const neighbours = window.sensors ? [...window.sensors.neighbours] : [];
  const sites = await database.pool.query<SiteRow>(
    `select device_id, latitude, longitude from sensors
      where $1::text[] is null or device_id = any($1) or device_id = any($2)
      order by device_id`,
    [group, neighbours],
  );
  const series = await database.pool.query<{ device_id: string; parameter: string; ts: string; values: string }>(
    `with wanted as (${group ? WANTED_GROUP : WANTED_EVERY})
     select w.device_id, r.parameter,
            string_agg(((extract(epoch from r.ts) * 1000)::bigint)::text, ',' order by r.ts) as ts,
            string_agg(r.value::text, ',' order by r.ts) as values
       from wanted w join readings r on r.sensor_ref = w.id
      where r.value is not null and r.value not in ('NaN', 'Infinity', '-Infinity') and r.ts >= $1 and r.ts < $2
        and case when w.every then $3::text[] is null or r.parameter = any($3) else r.parameter = $4::text end
      group by w.device_id, r.parameter
      order by w.device_id, r.parameter`,
    [window.from, window.to, window.parameters ? [...window.parameters] : null, window.sensors?.neighbourParameter ?? null, ...(group ? [group, neighbours] : [])],
  );
  return {
    sites: sites.rows.map(toSite),
    series: series.rows.map((row) => ({ deviceId: row.device_id, parameter: row.parameter, ts: numbersOf(row.ts), values: numbersOf(row.values) })),
  };
}

/**
 * The sites of the sensors that have a channel of `parameter` (a stored
 * reading of it, missing or not), by device id; with `observedIn`, only
 * those with at least one observed (finite) value of it in `[from, to)`:
 * those a feature context of that window counts as having the parameter
 * (one primary-key probe per channel, stopping at the first value found:
 * never a scan of the window).
 */
export async function listChannelSites(database: Database, parameter: string, observedIn?: { from: Date; to: Date }): Promise<ContextSite[]> {
  const { rows } = await database.pool.query<SiteRow>(
    `select s.device_id, s.latitude, s.longitude
       from sensor_channels c join sensors s on s.id = c.sensor_ref
      where c.parameter = $1
        and ($2::timestamptz is null
             or exists (select 1 from readings r
                         where r.sensor_ref = c.sensor_ref and r.parameter = c.parameter and r.ts >= $2 and r.ts < $3
                           and r.value is not null and r.value not in ('NaN', 'Infinity', '-Infinity')))
      order by s.device_id`,
    [parameter, observedIn?.from ?? null, observedIn?.to ?? null],
  );
  return rows.map(toSite);
}

/** How many imputations a run stored (so a retried write reports the run's total, not zero). */
export async function countRunImputations(database: Database, runId: string): Promise<number> {
  const { rows } = await database.pool.query<{ n: string }>('select count(*) as n from imputations where run_id = $1', [runId]);
  return Number(rows[0]?.n ?? 0);
}

/**
 * The newest observed value's time of a parameter in `[from, to)` (either
 * bound optional), or null. Walks `readings`' monthly partitions newest
 * first and stops at the first that has one, so on a large table it reads
 * one or two months, not the whole history.
 */
export async function latestObservedAt(database: Database, parameter: string, window: { from?: Date | null; to?: Date | null } = {}): Promise<Date | null> {
  const partitions = await listReadingsPartitions(database);
  for (const partition of partitions.reverse()) {
    if (window.to && partition.from >= window.to) continue;
    if (window.from && partition.to <= window.from) break;
    const { rows } = await database.pool.query<{ latest: Date | null }>(
      `select max(ts) as latest from ${partition.name}
        where parameter = $1 and value is not null and ($2::timestamptz is null or ts >= $2) and ($3::timestamptz is null or ts < $3)`,
      [parameter, window.from ?? null, window.to ?? null],
    );
    if (rows[0]?.latest) return rows[0].latest;
  }
  return null;
}

/** The device ids of `deviceIds` that no stored sensor has, in the order given. */
export async function findUnknownDevices(database: Database, deviceIds: readonly string[]): Promise<string[]> {
  const { rows } = await database.pool.query<{ device_id: string }>(
    `select d.device_id from unnest($1::text[]) with ordinality as d(device_id, at)
      where not exists (select 1 from sensors s where s.device_id = d.device_id)
      order by d.at`,
    [[...deviceIds]],
  );
  return rows.map((row) => row.device_id);
}
