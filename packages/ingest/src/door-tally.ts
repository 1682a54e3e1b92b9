import { detachString, type CsvReading } from '@airfill/schema';
import type { ValueVerdict } from './read-csv';

/** Values the door did not trust, for one device and parameter. */
export interface UntrustedChannel {
  deviceId: string;
  parameter: string;
  /** Values flagged invalid (out of range): stored, treated as missing. */
  invalid: number;
  /** Values that were the device's (or its sensor type's) own "no reading". */
  sentinels: number;
  /** The first such value: when, what was received, and why it is not trusted. */
  example: { ts: string; raw: string; detail: string };
}

/** How many channels a summary lists (the biggest first); the totals count them all. */
const LISTED = 10;

/** Counts the values the door turned into missing, by device and parameter, keeping the first example of each. */
export class DoorTally {
  invalid = 0;
  sentinels = 0;
  private readonly channels = new Map<string, UntrustedChannel>();

  note(reading: CsvReading, verdict: ValueVerdict): void {
    if (verdict.kind === 'invalid') this.invalid += 1;
    else this.sentinels += 1;
    const key = `${reading.sensor.deviceId}\u0000${reading.parameter}`;
    let channel = this.channels.get(key);
    if (!channel) {
      channel = {
        deviceId: detachString(reading.sensor.deviceId),
        parameter: detachString(reading.parameter),
        invalid: 0,
        sentinels: 0,
        example: { ts: reading.ts, raw: detachString(reading.rawValue.slice(0, 60)), detail: verdict.detail },
      };
      this.channels.set(detachString(key), channel);
    }
    if (verdict.kind === 'invalid') channel.invalid += 1;
    else channel.sentinels += 1;
  }

  /** The channels with the most untrusted values, at most ten. */
  top(): UntrustedChannel[] {
    return [...this.channels.values()].sort((a, b) => b.invalid + b.sentinels - (a.invalid + a.sentinels) || a.deviceId.localeCompare(b.deviceId)).slice(0, LISTED);
  }

  get channelCount(): number {
    return this.channels.size;
  }
}
