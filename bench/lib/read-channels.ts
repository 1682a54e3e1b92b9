import type { Observation, SensorSite } from '@airfill/features';
import { readReadingsCsv } from '@airfill/ingest';
import type { ChannelType } from '@airfill/quality';

/** A CSV in the input contract, in memory as the quality checks take it. */
export interface ChannelData {
  sites: SensorSite[];
  observations: Observation[];
  channels: ChannelType[];
  rejected: number;
}

/** Reads a CSV (plain or .gz) into sites, observations (sorted by time) and each channel's sensor type. */
export async function readChannelData(path: string): Promise<ChannelData> {
  const sites = new Map<string, SensorSite>();
  const channels = new Map<string, ChannelType>();
  const observations: Observation[] = [];
  let rejected = 0;
  for await (const record of readReadingsCsv(path)) {
    if (record.kind === 'reject') {
      rejected += 1;
      continue;
    }
    const { reading } = record;
    const { deviceId, latitude, longitude } = reading.sensor;
    if (!sites.has(deviceId)) sites.set(deviceId, { deviceId, latitude, longitude });
    const channel = `${deviceId}\u0000${reading.parameter}`;
    if (!channels.has(channel)) channels.set(channel, { deviceId, parameter: reading.parameter, sensorType: reading.channel.sensorType });
    observations.push({ deviceId, parameter: reading.parameter, ts: Date.parse(reading.ts), value: reading.value });
  }
  observations.sort((a, b) => a.ts - b.ts);
  return { sites: [...sites.values()], observations, channels: [...channels.values()], rejected };
}
