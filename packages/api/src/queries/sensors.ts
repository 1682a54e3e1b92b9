import type { Database } from '@airfill/db';
import { judgeHealth, type Health } from '../health';
import { justAfter, resolveWindow, type TimeWindow } from '../window';
import { completenessRatio as ratio, readDailyCompleteness } from '@airfill/db';

/** One parameter of a sensor over the window. */
export interface SensorParameter {
  parameter: string;
  sensorType: string | null;
  expected: number;
  valid: number;
  /** Missing readings stored in the window. */
  missing: number;
  imputed: number;
  unfilled: number;
  completeness: number | null;
  /** Latest reading of the parameter (any time), filled or not. */
  lastReading: { timestamp: string; value: number | null; filled: number | null } | null;
}

/** A sensor as the map and `/api/sensors` show it. */
export interface SensorSummary {
  deviceId: string;
  location: string | null;
  streetName: string | null;
  city: string | null;
  country: string | null;
  latitude: number;
  longitude: number;
  /** Completeness over the window, all listed parameters together. */
  completeness: number | null;
  health: Health;
  /** Latest reading of any parameter. */
  lastReading: { timestamp: string; parameter: string } | null;
  parameters: SensorParameter[];
}

/** `/api/sensors`: every sensor, judged over one window. */
export interface SensorList {
  window: { from: string; to: string };
  /** The network's latest reading; the default window ends just after it. */
  latestReading: string | null;
  sensors: SensorSummary[];
}

/** Which parameters and which window (default: the 30 days up to the network's latest reading). */
export interface SensorListQuery {
  parameter?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export const SENSOR_WINDOW = { defaultDays: 30, maxDays: 366 };

type ChannelRow = {
  device_id: string;
  location: string | null;
  street_name: string | null;
  city: string | null;
  country: string | null;
  latitude: number;
  longitude: number;
  parameter: string | null;
  sensor_type: string | null;
  last_ts: Date | null;
  last_value: number | null;
  last_filled: number | null;
};

/**
 * Every sensor with its location, parameters, completeness and health over
 * the window, and its latest reading. Three set-based statements: channels
 * with their latest reading (a backward step on the primary key each), daily
 * completeness, then the result is folded per sensor.
 */
export async function listSensors(database: Database, query: SensorListQuery = {}): Promise<SensorList> {
  const { rows } = await database.pool.query<ChannelRow>(
    `select s.device_id, s.location, s.street_name, s.city, s.country, s.latitude, s.longitude,
            c.parameter, c.sensor_type, last.ts as last_ts, last.value as last_value, coalesce(last.value, i.value) as last_filled
       from sensors s
       left join sensor_channels c on c.sensor_ref = s.id and ($1::text is null or c.parameter = $1)
       left join lateral (select r.ts, r.value from readings r
                           where r.sensor_ref = c.sensor_ref and r.parameter = c.parameter order by r.ts desc limit 1) last on true
       left join imputations i on i.sensor_ref = c.sensor_ref and i.parameter = c.parameter and i.ts = last.ts
      order by s.device_id, c.parameter`,
    [query.parameter ?? null],
  );
  const latest = rows.reduce<Date | null>((max, row) => (row.last_ts && (!max || row.last_ts > max) ? row.last_ts : max), null);
  const window: TimeWindow = resolveWindow(query, { ...SENSOR_WINDOW, end: latest ? justAfter(latest) : new Date() });
  const daily = await readDailyCompleteness(database, { ...window, parameter: query.parameter });
  const totals = new Map<string, { expected: number; valid: number; stored: number; imputed: number }>();
  for (const day of daily) {
    const key = `${day.deviceId}\u0000${day.parameter}`;
    const sum = totals.get(key) ?? { expected: 0, valid: 0, stored: 0, imputed: 0 };
    sum.expected += day.expected;
    sum.valid += day.valid;
    sum.stored += day.stored;
    sum.imputed += day.imputed;
    totals.set(key, sum);
  }

  const sensors = new Map<string, SensorSummary & { lastTs: Date | null }>();
  for (const row of rows) {
    let sensor = sensors.get(row.device_id);
    if (!sensor) {
      sensor = {
        deviceId: row.device_id,
        location: row.location,
        streetName: row.street_name,
        city: row.city,
        country: row.country,
        latitude: row.latitude,
        longitude: row.longitude,
        completeness: null,
        health: { status: 'no-data', reasons: [], flags: {} },
        lastReading: null,
        parameters: [],
        lastTs: null,
      };
      sensors.set(row.device_id, sensor);
    }
    if (row.parameter === null) continue;
    const sum = totals.get(`${row.device_id}\u0000${row.parameter}`) ?? { expected: 0, valid: 0, stored: 0, imputed: 0 };
    const missing = sum.stored - sum.valid;
    sensor.parameters.push({
      parameter: row.parameter,
      sensorType: row.sensor_type,
      expected: sum.expected,
      valid: sum.valid,
      missing,
      imputed: sum.imputed,
      unfilled: missing - sum.imputed,
      completeness: ratio(sum.valid, sum.expected),
      lastReading: row.last_ts ? { timestamp: row.last_ts.toISOString(), value: row.last_value, filled: row.last_filled } : null,
    });
    if (row.last_ts && (!sensor.lastTs || row.last_ts > sensor.lastTs)) {
      sensor.lastTs = row.last_ts;
      sensor.lastReading = { timestamp: row.last_ts.toISOString(), parameter: row.parameter };
    }
  }

  return {
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    latestReading: latest?.toISOString() ?? null,
    sensors: [...sensors.values()].map(({ lastTs: _lastTs, ...sensor }) => {
      const expected = sensor.parameters.reduce((n, p) => n + p.expected, 0);
      const valid = sensor.parameters.reduce((n, p) => n + p.valid, 0);
      const health = judgeHealth(
        sensor.parameters.map((p) => ({ parameter: p.parameter, completeness: p.completeness, unfilled: p.unfilled, lastTs: p.lastReading ? new Date(p.lastReading.timestamp) : null })),
        latest,
      );
      return { ...sensor, completeness: ratio(valid, expected), health };
    }),
  };
}
