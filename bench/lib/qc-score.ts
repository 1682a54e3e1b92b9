import type { Observation } from '@airfill/features';
import type { QualityCheck, QualityFlag } from '@airfill/quality';
import { FAULT_KINDS, type FaultKind, type InjectedReading } from './inject-faults';

/**
 * Whether an injected reading is a fault: its value departs from the truth
 * by more than `scale` and a quarter of the truth. A stuck run through calm
 * air or the first hours of a drift's ramp change a reading by less than
 * sensors disagree anyway; nobody could find those, and they do no harm.
 * They are counted apart ("touched, within the margin").
 */
export function isFault(reading: InjectedReading, scale: number): boolean {
  return Math.abs(reading.injected - reading.truth) > Math.max(scale, 0.25 * Math.abs(reading.truth));
}

/** Recall per fault kind, precision per check and overall, and the untouched readings flagged. */
export interface QcScore {
  kinds: Record<FaultKind, { changed: number; faults: number; found: number; foundInvalid: number }>;
  checks: Map<QualityCheck, { flagged: number; onFaults: number; onUntouched: number; onMargin: number }>;
  faults: number;
  found: number;
  /** Readings of the parameter flagged (any check): on faults, on untouched readings, on touched readings within the margin. */
  flagged: { faults: number; untouched: number; margin: number };
  untouched: number;
  /** Every parameter: untouched readings and how many were flagged. */
  allUntouched: number;
  allUntouchedFlagged: number;
}

/** One reading's identity, as a map key. */
export const readingKey = (deviceId: string, parameter: string, ts: number): string => `${deviceId}\u0000${parameter}\u0000${ts}`;

/** Scores flags against what was injected, reading by reading (a reading flagged by two checks counts once). */
export function scoreFlags(observations: readonly Observation[], injected: readonly InjectedReading[], flags: readonly QualityFlag[], parameter: string, scale: number): QcScore {
  const truth = new Map(injected.map((reading) => [readingKey(reading.deviceId, reading.parameter, reading.ts), reading]));
  const flaggedChecks = new Map<string, QualityFlag[]>();
  for (const flag of flags) {
    const id = readingKey(flag.deviceId, flag.parameter, flag.ts);
    flaggedChecks.set(id, [...(flaggedChecks.get(id) ?? []), flag]);
  }
  const kinds = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, { changed: 0, faults: 0, found: 0, foundInvalid: 0 }])) as QcScore['kinds'];
  const checks: QcScore['checks'] = new Map();
  const score: QcScore = { kinds, checks, faults: 0, found: 0, flagged: { faults: 0, untouched: 0, margin: 0 }, untouched: 0, allUntouched: 0, allUntouchedFlagged: 0 };
  for (const observation of observations) {
    if (observation.value === null) continue;
    const id = readingKey(observation.deviceId, observation.parameter, observation.ts);
    const reading = truth.get(id);
    const onIt = flaggedChecks.get(id) ?? [];
    if (!reading) {
      score.allUntouched += 1;
      if (onIt.length > 0) score.allUntouchedFlagged += 1;
    }
    if (observation.parameter !== parameter) continue;
    const role = !reading ? 'untouched' : isFault(reading, scale) ? 'faults' : 'margin';
    if (role === 'untouched') score.untouched += 1;
    if (reading) {
      const kind = kinds[reading.kind];
      kind.changed += 1;
      if (role === 'faults') {
        kind.faults += 1;
        score.faults += 1;
        if (onIt.length > 0) {
          kind.found += 1;
          score.found += 1;
        }
        if (onIt.some((flag) => flag.severity === 'invalid')) kind.foundInvalid += 1;
      }
    }
    if (onIt.length > 0) score.flagged[role] += 1;
    for (const flag of onIt) {
      const entry = checks.get(flag.check) ?? { flagged: 0, onFaults: 0, onUntouched: 0, onMargin: 0 };
      entry.flagged += 1;
      if (role === 'faults') entry.onFaults += 1;
      else if (role === 'untouched') entry.onUntouched += 1;
      else entry.onMargin += 1;
      checks.set(flag.check, entry);
    }
  }
  return score;
}
