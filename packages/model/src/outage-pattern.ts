import type { Observation } from '@airfill/features';
import { seededRandom } from './random';

const DAY_MS = 86_400_000;

/**
 * Where a data set's readings are really missing, on a grid of time steps:
 * one bit per (parameter, device, step). A reading is missing when its row
 * says so (value null) or when the device has no row for that step inside the
 * span it reports the parameter at all. Real outages have a structure that
 * synthetic shapes miss (gap lengths, whole devices or the whole network down
 * at once, times of day), so masks copied from this grid train and test a
 * model on the outages it will meet.
 */
export interface OutagePattern {
  stepMs: number;
  /** Time of step 0 (the first reading of any parameter). */
  start: number;
  steps: number;
  devices: readonly string[];
  parameters: readonly string[];
  /** `missing[p][d * steps + s]` is 1 when parameter p of device d is missing at step s. */
  missing: readonly Uint8Array[];
  /** Per parameter: the index in `source` of the observation at each (device, step), -1 where there is none. */
  positions: readonly Int32Array[];
  /** The observations `positions` point into. */
  source: readonly Observation[];
  /** Gaps (runs of missing steps) of the target parameter, and the share of its steps they cover. */
  gaps: number;
  missingShare: number;
}

/** Gaps a parameter's real pattern needs before masks are copied from it rather than drawn from synthetic shapes. */
export const MIN_REAL_GAPS = 50;

/**
 * Reads the real outage pattern of `observations` (sorted or not) on a grid of
 * `stepMs`; `parameter` is the one whose gaps are counted.
 */
export function extractOutagePattern(observations: readonly Observation[], parameter: string, stepMs: number): OutagePattern {
  let start = Infinity;
  let end = -Infinity;
  const deviceIndex = new Map<string, number>();
  const parameterIndex = new Map<string, number>();
  for (const observation of observations) {
    if (observation.ts < start) start = observation.ts;
    if (observation.ts > end) end = observation.ts;
    if (!deviceIndex.has(observation.deviceId)) deviceIndex.set(observation.deviceId, deviceIndex.size);
    if (!parameterIndex.has(observation.parameter)) parameterIndex.set(observation.parameter, parameterIndex.size);
  }
  const devices = [...deviceIndex.keys()];
  const parameters = [...parameterIndex.keys()];
  const steps = Number.isFinite(start) ? Math.round((end - start) / stepMs) + 1 : 0;
  const size = devices.length * steps;
  const positions = parameters.map(() => new Int32Array(size).fill(-1));
  const observed = parameters.map(() => new Uint8Array(size));
  observations.forEach((observation, at) => {
    const p = parameterIndex.get(observation.parameter) as number;
    const cell = (deviceIndex.get(observation.deviceId) as number) * steps + Math.round((observation.ts - start) / stepMs);
    (positions[p] as Int32Array)[cell] = at;
    if (observation.value !== null && Number.isFinite(observation.value)) (observed[p] as Uint8Array)[cell] = 1;
  });
  // Missing = inside the span where the device reports the parameter, and not observed.
  const missing = parameters.map((_, p) => {
    const bits = new Uint8Array(size);
    const rows = positions[p] as Int32Array;
    const seen = observed[p] as Uint8Array;
    for (let d = 0; d < devices.length; d += 1) {
      let first = -1;
      let last = -1;
      for (let s = 0; s < steps; s += 1) {
        if (rows[d * steps + s] !== -1) {
          if (first < 0) first = s;
          last = s;
        }
      }
      for (let s = Math.max(0, first); s <= last; s += 1) bits[d * steps + s] = seen[d * steps + s] === 1 ? 0 : 1;
    }
    return bits;
  });
  let gaps = 0;
  let missingSteps = 0;
  let spanSteps = 0;
  const target = parameterIndex.get(parameter);
  if (target !== undefined) {
    const bits = missing[target] as Uint8Array;
    const rows = positions[target] as Int32Array;
    for (let d = 0; d < devices.length; d += 1) {
      let inGap = false;
      for (let s = 0; s < steps; s += 1) {
        const cell = d * steps + s;
        if (bits[cell] === 1) {
          missingSteps += 1;
          if (!inGap) gaps += 1;
          inGap = true;
        } else inGap = false;
        if (bits[cell] === 1 || rows[cell] !== -1) spanSteps += 1;
      }
    }
  }
  return { stepMs, start, steps, devices, parameters, missing, positions, source: observations, gaps, missingShare: spanSteps > 0 ? missingSteps / spanSteps : 0 };
}

/** How a mask is copied from a real outage pattern. */
export interface TransplantOptions {
  parameter: string;
  /** Share of the parameter's observed values in [from, to) to hide. */
  share: number;
  seed: number;
  from: number;
  to: number;
  /** Length of the blocks of the pattern that are copied. @default 7 days */
  blockMs?: number;
}

/**
 * Hides observed values where the real pattern had its outages: blocks of the
 * pattern (every device and parameter together, so whole-device and
 * network-wide outages stay whole) are copied, shifted by whole days (so
 * outages keep their time of day), onto random places in [from, to), until
 * `share` of the parameter's observed values there are hidden. Returns a flag
 * per observation (1 = masked). Deterministic per seed.
 */
export function transplantOutageMask(observations: readonly Observation[], pattern: OutagePattern, options: TransplantOptions): Uint8Array {
  if (pattern.source !== observations) throw new RangeError('the outage pattern indexes other observations than those being masked');
  const masked = new Uint8Array(observations.length);
  const target = pattern.parameters.indexOf(options.parameter);
  if (target < 0 || pattern.steps === 0) return masked;
  const random = seededRandom(options.seed);
  const { steps, stepMs, start } = pattern;
  const daySteps = Math.max(1, Math.round(DAY_MS / stepMs));
  const blockSteps = Math.max(1, Math.min(steps, Math.round((options.blockMs ?? 7 * DAY_MS) / stepMs)));
  const firstStep = Math.max(0, Math.ceil((options.from - start) / stepMs));
  const endStep = Math.min(steps, Math.ceil((options.to - start) / stepMs));
  if (endStep <= firstStep) return masked;
  const targetRows = pattern.positions[target] as Int32Array;
  let eligible = 0;
  for (let d = 0; d < pattern.devices.length; d += 1) {
    for (let s = firstStep; s < endStep; s += 1) {
      const at = targetRows[d * steps + s] as number;
      if (at >= 0 && (observations[at] as Observation).value !== null) eligible += 1;
    }
  }
  const goal = Math.round(eligible * options.share);
  let hidden = 0;
  const span = endStep - firstStep;
  for (let attempt = 0; hidden < goal && attempt < 10_000; attempt += 1) {
    const destination = firstStep + Math.floor(random() * span);
    // The block copied starts at the same time of day, a whole number of days away (any day but the same one).
    const days = Math.max(2, Math.floor(steps / daySteps));
    const source = destination + (1 + Math.floor(random() * (days - 1))) * daySteps;
    for (let offset = 0; offset < blockSteps && hidden < goal; offset += 1) {
      const s = destination + offset;
      if (s >= endStep) break;
      const from = (source + offset) % steps;
      for (let p = 0; p < pattern.parameters.length; p += 1) {
        const bits = pattern.missing[p] as Uint8Array;
        const rows = pattern.positions[p] as Int32Array;
        for (let d = 0; d < pattern.devices.length; d += 1) {
          if (bits[d * steps + from] !== 1) continue;
          const at = rows[d * steps + s] as number;
          if (at < 0 || masked[at] === 1 || (observations[at] as Observation).value === null) continue;
          masked[at] = 1;
          if (p === target) hidden += 1;
        }
      }
    }
  }
  return masked;
}
