import { HOUR_MS } from '../series-stats';
import type { AlertEpisode, AlertKind } from './episodes';

/** An alert already raised (stored), by its id: the episode as far as it has been seen. */
export interface RaisedAlert {
  id: number;
  deviceId: string;
  parameter: string;
  kind: AlertKind;
  from: number;
  to: number;
}

/** What to do with the episodes a run found. */
export interface AlertDecision {
  /** New episodes: raise one alert each. */
  raise: AlertEpisode[];
  /** Known episodes seen further (earlier start or later end): extend the stored alert, raise nothing. */
  extend: { id: number; from: number; to: number }[];
}

/**
 * Decides which episodes are new: one that overlaps, or comes within
 * `joinHours` of, an alert of the same channel and kind already raised
 * continues it (the stored span grows, nothing is raised); any other is
 * new. Episodes found together that touch each other make one alert. So a
 * sensor dead for a week raises one alert, not one per reading, run or day,
 * and running the same window again raises nothing. Pure.
 */
export function reconcileAlerts(raised: readonly RaisedAlert[], found: readonly AlertEpisode[], joinHours: number): AlertDecision {
  const joinMs = joinHours * HOUR_MS;
  const key = (alert: { deviceId: string; parameter: string; kind: AlertKind }) => `${alert.deviceId}\u0000${alert.parameter}\u0000${alert.kind}`;
  const known = new Map<string, { id?: number; from: number; to: number; episode?: AlertEpisode; grown: boolean }[]>();
  for (const alert of raised) {
    const list = known.get(key(alert)) ?? [];
    list.push({ id: alert.id, from: alert.from, to: alert.to, grown: false });
    known.set(key(alert), list);
  }
  for (const episode of [...found].sort((a, b) => a.from - b.from)) {
    const list = known.get(key(episode)) ?? [];
    known.set(key(episode), list);
    const same = list.find((alert) => alert.from - joinMs <= episode.to && episode.from <= alert.to + joinMs);
    if (!same) {
      list.push({ from: episode.from, to: episode.to, episode: { ...episode }, grown: false });
      continue;
    }
    if (episode.from < same.from || episode.to > same.to) {
      same.from = Math.min(same.from, episode.from);
      same.to = Math.max(same.to, episode.to);
      same.grown = true;
      if (same.episode) Object.assign(same.episode, { from: same.from, to: same.to });
    }
  }
  const decision: AlertDecision = { raise: [], extend: [] };
  for (const list of known.values()) {
    for (const alert of list) {
      if (alert.episode) decision.raise.push(alert.episode);
      else if (alert.grown && alert.id !== undefined) decision.extend.push({ id: alert.id, from: alert.from, to: alert.to });
    }
  }
  return decision;
}
