import type { Database } from '@airfill/db';

export const HOUR = 3_600_000;
/** The first hour of the seeded readings. */
export const T0 = Date.UTC(2024, 2, 1);
export const HOURS = 12 * 24;

/** Where faults are written into the seeded network (hours from T0). */
export const FAULTS = {
  /** Sensor b reads 400 for one hour while the others read about 40. */
  spike: { deviceId: 'b', hour: 100 },
  /** Sensor c repeats one value for 20 hours. */
  stuck: { deviceId: 'c', from: 150, to: 170 },
  /** Sensor a, an SDS011, writes its fault constant 999.9 for 3 hours. */
  faultConstant: { deviceId: 'a', from: 200, to: 203 },
  /** Sensor e stops reporting 30 hours before the data ends. */
  dead: { deviceId: 'e', from: HOURS - 30 },
} as const;

/** The regional air at an hour: a daily cycle and slow weather, the same for every sensor, with a little noise per sensor. */
function air(hour: number, site: number): number {
  const daily = 1 + 0.4 * Math.sin((2 * Math.PI * hour) / 24);
  const weather = 1 + 0.3 * Math.sin((2 * Math.PI * hour) / (24 * 5));
  const noise = 0.04 * Math.sin(hour * 12.9898 + site * 78.233);
  return Math.round(40 * daily * weather * (1 + noise) * (1 + 0.05 * site));
}

/**
 * Five sensors a couple of km apart with hourly PM 2.5 over 12 days, and the
 * faults of {@link FAULTS} written in: what quality control must find.
 */
export async function seedQualityNetwork(database: Database, options: { hours?: number } = {}): Promise<void> {
  const hours = options.hours ?? HOURS;
  const devices = ['a', 'b', 'c', 'd', 'e'];
  await database.pool.query(
    `insert into sensors (device_id, latitude, longitude) select d, 39.9 + 0.02 * i, 116.4 + 0.01 * (i % 2) from unnest($1::text[]) with ordinality as u(d, i)`,
    [devices],
  );
  await database.pool.query(`insert into sensor_channels (sensor_ref, parameter, sensor_type) select id, 'PM 2.5', case when device_id = 'a' then 'SDS011' else null end from sensors`);
  const rows: { device: string; ts: Date; value: number }[] = [];
  devices.forEach((device, site) => {
    for (let hour = 0; hour < hours; hour += 1) {
      let value = air(hour, site);
      if (device === FAULTS.spike.deviceId && hour === FAULTS.spike.hour) value = 400;
      if (device === FAULTS.stuck.deviceId && hour >= FAULTS.stuck.from && hour < FAULTS.stuck.to) value = air(FAULTS.stuck.from, site);
      if (device === FAULTS.faultConstant.deviceId && hour >= FAULTS.faultConstant.from && hour < FAULTS.faultConstant.to) value = 999.9;
      if (device === FAULTS.dead.deviceId && hour >= FAULTS.dead.from) continue;
      rows.push({ device, ts: new Date(T0 + hour * HOUR), value });
    }
  });
  await insertReadings(database, rows);
}

/** Stores readings (value and raw text) of the seeded sensors, in the monthly partitions of their times (created as the loader does). */
export async function insertReadings(database: Database, rows: readonly { device: string; ts: Date; value: number }[], parameter = 'PM 2.5'): Promise<void> {
  await database.pool.query('select ensure_readings_partitions(min(ts), max(ts)) from unnest($1::timestamptz[]) as u(ts)', [rows.map((row) => row.ts)]);
  await database.pool.query(
    `insert into readings (sensor_ref, parameter, ts, value, raw_value)
     select s.id, $4, u.ts, u.value, u.value::text from unnest($1::text[], $2::timestamptz[], $3::float8[]) as u(device, ts, value) join sensors s on s.device_id = u.device`,
    [rows.map((row) => row.device), rows.map((row) => row.ts), rows.map((row) => row.value), parameter],
  );
}
