import type { Database } from '@airfill/db';
import { NotFoundError } from '../errors';

/** A device's parameter, resolved to the keys of `readings`. */
export interface Channel {
  sensorRef: number;
  deviceId: string;
  parameter: string;
  /** The channel's latest reading, null when it has none. */
  lastTs: Date | null;
}

/**
 * Resolves a device id and parameter to the sensor's key, with the latest
 * reading (one backward step on the primary key). Unknown device or a
 * parameter the device does not measure: NotFoundError naming what exists.
 */
export async function findChannel(database: Database, deviceId: string, parameter: string): Promise<Channel> {
  const { rows } = await database.pool.query<{ id: number; parameters: string[]; last_ts: Date | null; has: boolean }>(
    `select s.id,
            array(select c.parameter from sensor_channels c where c.sensor_ref = s.id order by c.parameter) as parameters,
            exists(select 1 from sensor_channels c where c.sensor_ref = s.id and c.parameter = $2) as has,
            (select r.ts from readings r where r.sensor_ref = s.id and r.parameter = $2 order by r.ts desc limit 1) as last_ts
       from sensors s where s.device_id = $1`,
    [deviceId, parameter],
  );
  const sensor = rows[0];
  if (!sensor) throw new NotFoundError(`device ${deviceId} does not exist`, { deviceId });
  if (!sensor.has) {
    const measured = sensor.parameters.length > 0 ? sensor.parameters.map((name) => `"${name}"`).join(', ') : 'nothing yet';
    throw new NotFoundError(`device ${deviceId} has no parameter "${parameter}"; it measures ${measured}`, { deviceId, parameter });
  }
  return { sensorRef: sensor.id, deviceId, parameter, lastTs: sensor.last_ts };
}

/** The network's latest reading (a backward step on the primary key per channel); null when there is none. */
export async function readNetworkLatest(database: Database): Promise<Date | null> {
  const { rows } = await database.pool.query<{ latest: Date | null }>(
    `select max(last.ts) as latest
       from sensor_channels c
      cross join lateral (select r.ts from readings r where r.sensor_ref = c.sensor_ref and r.parameter = c.parameter order by r.ts desc limit 1) last`,
  );
  return rows[0]?.latest ?? null;
}
