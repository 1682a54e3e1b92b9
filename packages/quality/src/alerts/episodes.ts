import type { AlertSettings } from '../config';
import type { QualityFlag } from '../flags';
import { formatInstant, HOUR_MS } from '../series-stats';
import { channelCadence } from '../completeness';
import { forEachReading, type ReadingsInput } from '../readings';

/** What an alert is about: a sensor that stopped reporting, froze, or drifted away from its neighbours. */
export const ALERT_KINDS = ['dead', 'stuck', 'drift'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * One episode of one channel (device, parameter): [from, to) in epoch ms.
 * An alert is raised once per episode, however many readings and runs it spans.
 */
export interface AlertEpisode {
  deviceId: string;
  parameter: string;
  kind: AlertKind;
  from: number;
  to: number;
  /** For people: what happened, when, for how long. */
  detail: string;
}

/** What episodes are found in. */
export type EpisodeInput = ReadingsInput & {
  /** The quality flags over the same readings (cleared ones left out). */
  flags: readonly QualityFlag[];
  /** Only episodes reaching into [from, to) are returned. */
  window: { from: number; to: number };
  /** Where the data ends: a silence up to it is still going on. @default window.to */
  dataEnd?: number;
};

const hours = (ms: number) => `${Math.round(ms / HOUR_MS)} h`;
const span = (from: number, to: number) => `from ${formatInstant(from)} to ${formatInstant(to)} (${hours(to - from)})`;

/**
 * The episodes that deserve a person's attention, longer than configured:
 * a channel silent for `deadHours` while the others of its parameter
 * reported, stuck flags spanning `stuckHours`, drift flags spanning
 * `driftDays`. Flags (and silences) within `joinHours` of each other are one
 * episode. Pure; sorted by device, parameter, kind and time.
 */
export function findAlertEpisodes(input: EpisodeInput, settings: AlertSettings): AlertEpisode[] {
  if (!settings.enabled) return [];
  const joinMs = settings.joinHours * HOUR_MS;
  const episodes = [
    ...findDeadEpisodes(input, settings),
    ...flagEpisodes(input.flags, 'stuck', settings.stuckHours * HOUR_MS, joinMs),
    ...flagEpisodes(input.flags, 'drift', settings.driftDays * 24 * HOUR_MS, joinMs),
  ].filter((episode) => episode.to > input.window.from && episode.from < input.window.to);
  return episodes.sort(
    (a, b) =>
      a.deviceId.localeCompare(b.deviceId) || a.parameter.localeCompare(b.parameter) || ALERT_KINDS.indexOf(a.kind) - ALERT_KINDS.indexOf(b.kind) || a.from - b.from,
  );
}

/**
 * Silences of `deadHours` or more: between two received readings of a
 * channel, or from its last one to where the data ends. A silence counts
 * only when the other sensors of the parameter reported in `networkShare` of
 * its hours: when the whole network is silent, the data did not arrive, no
 * one sensor died. It starts one cadence after the last reading.
 */
function findDeadEpisodes(input: EpisodeInput, settings: AlertSettings): AlertEpisode[] {
  const minMs = settings.deadHours * HOUR_MS;
  const channels = new Map<string, { deviceId: string; parameter: string; ts: number[] }>();
  const reporting = new Map<string, Set<number>>();
  forEachReading(input, (deviceId, parameter, ts, value) => {
    if (value === null || !Number.isFinite(value)) return;
    const key = `${deviceId}\u0000${parameter}`;
    let channel = channels.get(key);
    if (!channel) channels.set(key, (channel = { deviceId, parameter, ts: [] }));
    channel.ts.push(ts);
    let hoursOfParameter = reporting.get(parameter);
    if (!hoursOfParameter) reporting.set(parameter, (hoursOfParameter = new Set()));
    hoursOfParameter.add(Math.floor(ts / HOUR_MS));
  });
  const episodes: AlertEpisode[] = [];
  for (const channel of channels.values()) {
    const ts = Float64Array.from(channel.ts).sort();
    const dataEnd = input.dataEnd ?? input.window.to;
    const cadence = channelCadence(ts, dataEnd);
    const network = reporting.get(channel.parameter) ?? new Set<number>();
    const consider = (from: number, to: number, lastSeen: number, ongoing: boolean) => {
      if (to - from < minMs) return;
      const first = Math.floor(from / HOUR_MS);
      const last = Math.ceil(to / HOUR_MS);
      let covered = 0;
      for (let hour = first; hour < last; hour += 1) if (network.has(hour)) covered += 1;
      if (covered < settings.networkShare * (last - first)) return;
      const detail = ongoing
        ? `no reading since ${formatInstant(lastSeen)}: silent ${span(from, to)} so far, while the other sensors reported`
        : `no reading ${span(from, to)}, while the other sensors reported`;
      episodes.push({ deviceId: channel.deviceId, parameter: channel.parameter, kind: 'dead', from, to, detail });
    };
    for (let i = 1; i < ts.length; i += 1) {
      const previous = ts[i - 1] as number;
      consider(previous + cadence, ts[i] as number, previous, false);
    }
    const lastSeen = ts[ts.length - 1] as number;
    consider(lastSeen + cadence, dataEnd, lastSeen, true);
  }
  return episodes;
}

/** Runs of one check's flags per channel, joined across gaps up to `joinMs`, spanning at least `minMs`. */
function flagEpisodes(flags: readonly QualityFlag[], check: 'stuck' | 'drift', minMs: number, joinMs: number): AlertEpisode[] {
  const byChannel = new Map<string, QualityFlag[]>();
  for (const flag of flags) {
    if (flag.check !== check) continue;
    const key = `${flag.deviceId}\u0000${flag.parameter}`;
    const list = byChannel.get(key) ?? [];
    list.push(flag);
    byChannel.set(key, list);
  }
  const episodes: AlertEpisode[] = [];
  for (const list of byChannel.values()) {
    list.sort((a, b) => a.ts - b.ts);
    const step = typicalStep(list);
    let start = 0;
    for (let i = 1; i <= list.length; i += 1) {
      if (i < list.length && (list[i] as QualityFlag).ts - (list[i - 1] as QualityFlag).ts <= Math.max(joinMs, step)) continue;
      const first = list[start] as QualityFlag;
      const from = first.ts;
      const to = (list[i - 1] as QualityFlag).ts + step;
      if (to - from >= minMs) {
        const what = check === 'stuck' ? `stuck ${span(from, to)}, ${i - start} readings flagged` : `drifting ${span(from, to)}`;
        episodes.push({ deviceId: first.deviceId, parameter: first.parameter, kind: check, from, to, detail: `${what}; ${first.detail}` });
      }
      start = i;
    }
  }
  return episodes;
}

/** The most common step between consecutive flags (each covers one reading); one hour when there is none. */
function typicalStep(list: readonly QualityFlag[]): number {
  return channelCadence(Float64Array.from(list, (flag) => flag.ts), Infinity);
}
