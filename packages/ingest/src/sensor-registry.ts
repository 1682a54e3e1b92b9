import type { PoolClient } from 'pg';
import { detachString, type CsvReading, type SensorMetadata } from '@airfill/schema';

type ChannelMetadata = CsvReading['channel'];

/** One device's parameter as the load sees it, with where the batch being filled has reached. */
export interface ChannelState {
  deviceId: string;
  parameter: string;
  metadata: ChannelMetadata;
  /** The batch that last added a row of this channel, and the first and last timestamp it added (ISO UTC text, ordered like instants). */
  batch: number;
  first: string;
  last: string;
}

function detachStrings<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, typeof value === 'string' ? detachString(value) : value])) as T;
}

/** Sensor ids fetched from the sequence at a time, doubling up to this. */
const MAX_RESERVATION = 4096;

/**
 * The sensors and channels of one load, and their database ids, known while
 * parsing so rows can be encoded straight into `readings`' columns.
 *
 * Ids of stored sensors are read once when the load starts; a device not
 * stored yet gets an id reserved from the `sensors` sequence and is stored
 * (with the metadata of its first row in the file) before the first batch
 * holding it. Devices already stored get that first row's metadata too (a load
 * refreshes it). If another load stored the same new device in the meantime,
 * its id wins and the reserved one is remapped in rows already encoded.
 */
export class SensorRegistry {
  private readonly ids = new Map<string, number>();
  private readonly pending = new Map<string, SensorMetadata>();
  private readonly seen = new Set<string>();
  private readonly channels = new Map<string, Map<string, ChannelState>>();
  private readonly reserved: number[] = [];
  private reservation = 64;
  /** Reserved ids that turned out to belong to a device another load stored first: reserved id -> stored id. */
  readonly remapped = new Map<number, number>();

  private constructor() {}

  /** Reads the stored sensors' ids and reserves ids for new ones. */
  static async open(client: PoolClient): Promise<SensorRegistry> {
    const registry = new SensorRegistry();
    const { rows } = await client.query<{ id: number; device_id: string }>('select id, device_id from sensors');
    for (const row of rows) registry.ids.set(row.device_id, row.id);
    await registry.reserve(client);
    return registry;
  }

  /**
   * The database id of a reading's device, noting the device (and its
   * channel) the first time; `undefined` when a new device needs an id and
   * none is reserved (call {@link reserve}, then ask again).
   */
  refOf(reading: CsvReading): number | undefined {
    const deviceId = reading.sensor.deviceId;
    const id = this.ids.get(deviceId);
    if (id !== undefined) {
      if (!this.seen.has(deviceId)) this.noteSensor(deviceId, reading.sensor);
      return id;
    }
    const reservedId = this.reserved.pop();
    if (reservedId === undefined) return undefined;
    this.ids.set(detachString(deviceId), reservedId);
    this.noteSensor(deviceId, reading.sensor);
    return reservedId;
  }

  /** The channel of a reading whose device has an id, noted the first time with the row's sensor id and type. */
  channelOf(reading: CsvReading): ChannelState {
    const deviceId = reading.sensor.deviceId;
    let byParameter = this.channels.get(deviceId);
    if (!byParameter) this.channels.set(detachString(deviceId), (byParameter = new Map()));
    let channel = byParameter.get(reading.parameter);
    if (!channel) {
      channel = { deviceId: detachString(deviceId), parameter: detachString(reading.parameter), metadata: detachStrings(reading.channel), batch: -1, first: '', last: '' };
      byParameter.set(channel.parameter, channel);
    }
    return channel;
  }

  /** The id of a device noted before (after any remap). */
  idOf(deviceId: string): number {
    const id = this.ids.get(deviceId);
    if (id === undefined) throw new Error(`sensor ${deviceId} was not noted before its readings`);
    return id;
  }

  /** Devices seen in this load. */
  get sensorCount(): number {
    return this.seen.size;
  }

  /** Reserves more ids from the sensors' sequence (one statement; blocks doubling up to 4096). */
  async reserve(client: PoolClient): Promise<void> {
    const { rows } = await client.query<{ id: string }>(`select nextval(pg_get_serial_sequence('sensors', 'id')) as id from generate_series(1, $1::int)`, [this.reservation]);
    // Popped from the end: lowest ids first.
    for (let index = rows.length - 1; index >= 0; index -= 1) this.reserved.push(Number(rows[index]!.id));
    this.reservation = Math.min(MAX_RESERVATION, this.reservation * 2);
  }

  /**
   * Stores the devices noted since the last call (new ones under their
   * reserved id, known ones with refreshed metadata), one statement, and
   * tops up the reserved ids. Returns true when a reserved id was remapped.
   */
  async storePending(client: PoolClient): Promise<boolean> {
    if (this.reserved.length < 16) await this.reserve(client);
    if (this.pending.size === 0) return false;
    // The parser goes on noting sensors while this runs: take a snapshot, and forget only what was stored.
    const sensors = [...this.pending.values()];
    for (const sensor of sensors) this.pending.delete(sensor.deviceId);
    const column = <K extends keyof SensorMetadata>(key: K) => sensors.map((sensor) => sensor[key]);
    const { rows } = await client.query<{ id: number; device_id: string }>(
      `insert into sensors (id, device_id, chip_id, location_id, location, street_name, city, country, latitude, longitude, deployment_date)
       select * from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[], $10::float8[], $11::date[])
       on conflict (device_id) do update set
         chip_id = excluded.chip_id, location_id = excluded.location_id, location = excluded.location,
         street_name = excluded.street_name, city = excluded.city, country = excluded.country,
         latitude = excluded.latitude, longitude = excluded.longitude, deployment_date = excluded.deployment_date
       returning id, device_id`,
      [
        sensors.map((sensor) => this.idOf(sensor.deviceId)),
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
    let remapped = false;
    for (const row of rows) {
      const noted = this.ids.get(row.device_id);
      if (noted === row.id) continue;
      if (noted !== undefined) this.remapped.set(noted, row.id);
      this.ids.set(row.device_id, row.id);
      remapped = true;
    }
    return remapped;
  }

  /** Stores every channel seen (sensor id and type per device and parameter), one statement. */
  async storeChannels(client: PoolClient): Promise<void> {
    const channels = [...this.channels.values()].flatMap((byParameter) => [...byParameter.values()]);
    if (channels.length === 0) return;
    await client.query(
      `insert into sensor_channels (sensor_ref, parameter, sensor_id, sensor_type)
       select * from unnest($1::int[], $2::text[], $3::text[], $4::text[])
       on conflict (sensor_ref, parameter) do update set sensor_id = excluded.sensor_id, sensor_type = excluded.sensor_type`,
      [
        channels.map((channel) => this.idOf(channel.deviceId)),
        channels.map((channel) => channel.parameter),
        channels.map((channel) => channel.metadata.sensorId),
        channels.map((channel) => channel.metadata.sensorType),
      ],
    );
  }

  private noteSensor(deviceId: string, sensor: SensorMetadata): void {
    const kept = detachString(deviceId);
    this.seen.add(kept);
    this.pending.set(kept, detachStrings(sensor));
  }
}
