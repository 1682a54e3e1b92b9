import type { Database } from '../connection';

/** Readings one sensor's parameter had on one UTC day, against those it should have had. */
export interface DailyCompleteness {
  deviceId: string;
  parameter: string;
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  /** Readings the sensor's cadence asks for in the part of the day inside the window and after its first reading. */
  expected: number;
  /** Readings stored (observed or missing). */
  stored: number;
  /**
   * Valid readings: values airfill trusts. A reading flagged `invalid` has a
   * NULL value, so it does not count (a `suspect` one does, and a cleared
   * flag restores its value): `dailyCompleteness` of `@airfill/quality`
   * counts the same, and a test holds the two equal.
   */
  valid: number;
  /** Missing readings that have an imputation. */
  imputed: number;
  /** valid / expected, at most 1; null when nothing was expected. */
  completeness: number | null;
}

/** Which sensors and parameters to count. */
export interface CompletenessQuery {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  parameter?: string | undefined;
  deviceId?: string | undefined;
}

/**
 * Cadence when a channel has fewer than two readings before the window ends:
 * hourly, the cadence of the data airfill is built for.
 */
export const FALLBACK_CADENCE_SECONDS = 3600;

/** Readings a channel's cadence is taken from: its latest before the window ends. */
export const CADENCE_SAMPLE = 200;

/**
 * Completeness per sensor, parameter and UTC day, in one set-based statement:
 * data capture as the EEA defines it (valid / expected readings).
 *
 * The expected count comes from the channel's cadence: the most common step
 * between its latest readings before the window ends (a device that writes
 * nothing during an outage leaves no rows, so rows alone cannot say what was
 * expected). Days before the channel's first reading expect nothing; days
 * after its last reading do (the device is silent). Each channel is read as
 * ranges of the readings' and imputations' primary keys (sensor, parameter,
 * ts), never a scan of the table.
 */
export async function readDailyCompleteness(database: Database, query: CompletenessQuery): Promise<DailyCompleteness[]> {
  const { rows } = await database.pool.query<Omit<DailyCompleteness, 'deviceId' | 'completeness'> & { device_id: string }>(
    `with channels as (
       select c.sensor_ref, c.parameter, s.device_id,
              (select r.ts from readings r where r.sensor_ref = c.sensor_ref and r.parameter = c.parameter order by r.ts limit 1) as first_ts,
              (select extract(epoch from mode() within group (order by t.step))
                 from (select l.ts - lag(l.ts) over (order by l.ts) as step
                         from (select r.ts from readings r
                                where r.sensor_ref = c.sensor_ref and r.parameter = c.parameter and r.ts < $2
                                order by r.ts desc limit ${CADENCE_SAMPLE}) l) t
                where t.step > interval '0') as cadence
         from sensor_channels c join sensors s on s.id = c.sensor_ref
        where ($3::text is null or c.parameter = $3) and ($4::text is null or s.device_id = $4)
     ), counts as (
       select c.sensor_ref, c.parameter, n.day, n.stored, n.valid
         from channels c
        cross join lateral (select date_trunc('day', r.ts, 'UTC') as day, count(*)::int as stored, count(r.value)::int as valid
                              from readings r
                             where r.sensor_ref = c.sensor_ref and r.parameter = c.parameter and r.ts >= $1 and r.ts < $2
                             group by 1) n
     ), filled as (
       select c.sensor_ref, c.parameter, n.day, n.imputed
         from channels c
        cross join lateral (select date_trunc('day', i.ts, 'UTC') as day, count(*)::int as imputed
                              from imputations i
                             where i.sensor_ref = c.sensor_ref and i.parameter = c.parameter and i.ts >= $1 and i.ts < $2
                             group by 1) n
     ), days as (
       select day from generate_series(date_trunc('day', $1::timestamptz, 'UTC'), $2::timestamptz - interval '1 microsecond', interval '1 day') as day
     )
     select c.device_id, c.parameter, to_char(d.day at time zone 'UTC', 'YYYY-MM-DD') as day,
            coalesce(n.stored, 0) as stored, coalesce(n.valid, 0) as valid, coalesce(f.imputed, 0) as imputed,
            case when c.first_ts is null then 0
                 else greatest(0, ceil(extract(epoch from least(d.day + interval '1 day', $2::timestamptz) - greatest(d.day, $1::timestamptz, c.first_ts))
                                       / coalesce(c.cadence, ${FALLBACK_CADENCE_SECONDS})))::int end as expected
       from channels c
      cross join days d
       left join counts n on n.sensor_ref = c.sensor_ref and n.parameter = c.parameter and n.day = d.day
       left join filled f on f.sensor_ref = c.sensor_ref and f.parameter = c.parameter and f.day = d.day
      order by c.device_id, c.parameter, d.day`,
    [query.from, query.to, query.parameter ?? null, query.deviceId ?? null],
  );
  return rows.map((row) => ({
    deviceId: row.device_id,
    parameter: row.parameter,
    day: row.day,
    expected: row.expected,
    stored: row.stored,
    valid: row.valid,
    imputed: row.imputed,
    completeness: completenessRatio(row.valid, row.expected),
  }));
}

/** valid / expected, capped at 1 (irregular timestamps can exceed the cadence); null when nothing was expected. */
export function completenessRatio(valid: number, expected: number): number | null {
  if (expected <= 0) return null;
  return Math.min(1, valid / expected);
}

/** Data capture of one sensor's parameter over a window, with its days. */
export interface SensorCompleteness {
  deviceId: string;
  expected: number;
  valid: number;
  /** valid / expected over the window; null when nothing was expected. */
  capture: number | null;
  /** Days with something expected, and those meeting the 75 % objective (18 of 24 hourly values). */
  days: number;
  daysMeetingObjective: number;
  daily: { day: string; expected: number; valid: number; capture: number | null }[];
}

/** Data capture of one parameter over a window: in all, and per sensor and day. */
export interface ParameterCompleteness {
  expected: number;
  valid: number;
  capture: number | null;
  sensors: SensorCompleteness[];
}

/** Completeness per parameter over a window (what `airfill status --json` and the run report show). */
export interface CompletenessSummary {
  /** [from, to): the last `days` days up to just after the latest reading. */
  window: { from: string; to: string } | null;
  parameters: Record<string, ParameterCompleteness>;
}

/** The share a day needs to count (EEA, Directive 2008/50/EC Annex VII: 18 of 24 hourly values). */
export const DAILY_OBJECTIVE = 0.75;

/**
 * Data capture per parameter, sensor and UTC day over the last `days` days
 * of data (ending just after the latest reading, so an archive is judged on
 * its own time, not the clock's), from {@link readDailyCompleteness}.
 */
export async function summariseCompleteness(database: Database, options: { days?: number; parameter?: string } = {}): Promise<CompletenessSummary> {
  const { rows } = await database.pool.query<{ latest: Date | null }>(
    `select max(l.ts) as latest from sensor_channels c
      cross join lateral (select r.ts from readings r where r.sensor_ref = c.sensor_ref and r.parameter = c.parameter order by r.ts desc limit 1) l
      where $1::text is null or c.parameter = $1`,
    [options.parameter ?? null],
  );
  const latest = rows[0]?.latest;
  if (!latest) return { window: null, parameters: {} };
  const to = new Date(latest.getTime() + 1);
  const from = new Date(to.getTime() - (options.days ?? 30) * 86_400_000);
  const daily = await readDailyCompleteness(database, { from, to, parameter: options.parameter });
  const parameters: Record<string, ParameterCompleteness> = {};
  for (const row of daily) {
    const parameter = (parameters[row.parameter] ??= { expected: 0, valid: 0, capture: null, sensors: [] });
    let sensor = parameter.sensors.at(-1);
    if (sensor?.deviceId !== row.deviceId) {
      sensor = { deviceId: row.deviceId, expected: 0, valid: 0, capture: null, days: 0, daysMeetingObjective: 0, daily: [] };
      parameter.sensors.push(sensor);
    }
    if (row.expected === 0) continue;
    sensor.daily.push({ day: row.day, expected: row.expected, valid: row.valid, capture: row.completeness });
    sensor.expected += row.expected;
    sensor.valid += row.valid;
    sensor.days += 1;
    if ((row.completeness ?? 0) >= DAILY_OBJECTIVE) sensor.daysMeetingObjective += 1;
  }
  for (const parameter of Object.values(parameters)) {
    for (const sensor of parameter.sensors) {
      sensor.capture = completenessRatio(sensor.valid, sensor.expected);
      parameter.expected += sensor.expected;
      parameter.valid += sensor.valid;
    }
    parameter.capture = completenessRatio(parameter.valid, parameter.expected);
  }
  return { window: { from: from.toISOString(), to: to.toISOString() }, parameters };
}
