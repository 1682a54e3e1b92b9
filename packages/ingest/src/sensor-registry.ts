import type { PoolClient } from 'pg';
import { detachString, type CsvReading, type SensorMetadata } from '@airfill/schema';

type Channel = CsvReading['channel'];

function detachStrings<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, typeof value === 'string' ? detachString(value) : value])) as T;
}

/**
 * The sensors and channels seen while loading a file. Sensors are stored as
 * soon as they are first seen (their id is needed for the readings); the
 * metadata of a device's first row in the file wins, and a load refreshes the
 * metadata stored by earlier loads.
 */
export class SensorRegistry {
  private readonly ids = new Map<string, number>();
  private readonly pending = new Map<string, SensorMetadata>();
  private readonly channels = new Map<string, { deviceId: string; parameter: string; channel: Channel }>();

  /** Notes a reading's sensor and channel. Kept strings are detached copies (see `detachString`). */
  note(reading: CsvReading): void {
    const { deviceId } = reading.sensor;
    if (!this.ids.has(deviceId) && !this.pending.has(deviceId)) this.pending.set(detachString(deviceId), detachStrings(reading.sensor));
    const key = `${deviceId}\u0000${reading.parameter}`;
    if (!this.channels.has(key)) {
      this.channels.set(detachString(key), {
        deviceId: detachString(deviceId),
        parameter: detachString(reading.parameter),
        channel: detachStrings(reading.channel),
      });
    }
  }

  /** The database id of a device noted and stored before. */
  idOf(deviceId: string): number {
    const id = this.ids.get(deviceId);
    if (id === undefined) throw new Error(`sensor ${deviceId} was not stored before its readings`);
    return id;
  }

  get sensorCount(): number {
    return this.ids.size;
  }

  /** Stores the sensors noted since the last call, one statement. */
  async storePending(client: PoolClient): Promise<void> {
    if (this.pending.size === 0) return;
    // The parser goes on noting sensors while this runs: take a snapshot, and
    // forget only what was stored.
    const sensors = [...this.pending.values()];
    for (const sensor of sensors) this.pending.delete(sensor.deviceId);
    const column = <K extends keyof SensorMetadata>(key: K) => sensors.map((sensor) => sensor[key]);
    const { rows } = await client.query<{ id: number; device_id: string }>(
      `insert into sensors (device_id, chip_id, location_id, location, street_name, city, country, latitude, longitude, deployment_date)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::float8[], $10::date[])
       on conflict (device_id) do update set
         chip_id = excluded.chip_id, location_id = excluded.location_id, location = excluded.location,
         street_name = excluded.street_name, city = excluded.city, country = excluded.country,
         latitude = excluded.latitude, longitude = excluded.longitude, deployment_date = excluded.deployment_date
       returning id, device_id`,
      [
        column('deviceId'),
        column('chipId'),
        column('locationId'),
        column('location'),
        column('streetName'),
        column('city'),
        column('country'),
        column('latitude'),
        column('longitude'),
        column('deploymentDate'),
      ],
    );
    for (const row of rows) this.ids.set(row.device_id, row.id);
  }

  /** Stores every channel seen (sensor id and type per device and parameter), one statement. */
  async storeChannels(client: PoolClient): Promise<void> {
    const channels = [...this.channels.values()];
    if (channels.length === 0) return;
    await client.query(
      `insert into sensor_channels (sensor_ref, parameter, sensor_id, sensor_type)
       select * from unnest($1::int[], $2::text[], $3::text[], $4::text[])
       on conflict (sensor_ref, parameter) do update set sensor_id = excluded.sensor_id, sensor_type = excluded.sensor_type`,
      [
        channels.map((c) => this.idOf(c.deviceId)),
        channels.map((c) => c.parameter),
        channels.map((c) => c.channel.sensorId),
        channels.map((c) => c.channel.sensorType),
      ],
    );
  }
}
