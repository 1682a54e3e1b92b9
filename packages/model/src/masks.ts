import { indexObservations, parameterCadence, type Observation } from '@airfill/features';
import { seededRandom } from './random';

/** How masks are drawn. */
export interface MaskOptions {
  parameter: string;
  /** Share of the parameter's observed values in [from, to) to hide. */
  share: number;
  seed: number;
  from: number;
  to: number;
  /** Time step of the data (ms): gaps start on it and last whole steps. */
  stepMs: number;
}

const HOUR_MS = 3_600_000;

/**
 * Gap lengths in hours (wall-clock, so the same at any cadence) and their
 * probabilities: many gaps of up to an hour (a single reading of hourly
 * data), runs of a few hours and a thin tail of days: by gap the median is
 * 2-3 hours; by masked value about a third sit in gaps of 9-24 hours and a
 * quarter in longer ones. A network reporting every 2 min has its outages
 * last as long, 30 times as many steps.
 */
const GAP_SHAPES: ReadonlyArray<{ p: number; min: number; max: number }> = [
  { p: 0.4, min: 1, max: 1 },
  { p: 0.25, min: 2, max: 3 },
  { p: 0.2, min: 4, max: 8 },
  { p: 0.12, min: 9, max: 24 },
  { p: 0.03, min: 25, max: 72 },
];

/**
 * Share of gaps that take down every sensor at once (network or upstream
 * outages). Each hides every sensor, so 3% of gaps make about a quarter of the
 * hidden values fall in hours with no neighbour observed, as the probe on
 * real outages found (DESIGN section 5).
 */
const NETWORK_OUTAGE_SHARE = 0.03;
/** Share of gaps that take down the whole device (all its parameters), not just this parameter. */
const DEVICE_OUTAGE_SHARE = 0.5;

/** A gap length in steps of `stepMs`: hours drawn from GAP_SHAPES; the shortest shape spreads over 1 step to 1 hour when steps are shorter. */
function drawLength(random: () => number, stepMs: number): number {
  let pick = random();
  let hours = 1;
  for (const shape of GAP_SHAPES) {
    if (pick < shape.p) {
      hours = shape.min + Math.floor(random() * (shape.max - shape.min + 1));
      break;
    }
    pick -= shape.p;
  }
  const steps = Math.max(1, Math.round((hours * HOUR_MS) / stepMs));
  // Only when an hour holds several steps (no extra draw for hourly data, whose masks stay as they were).
  if (hours === 1 && steps > 1) return 1 + Math.floor(random() * steps);
  return steps;
}

/**
 * Marks observations hidden by realistic outages: gaps of drawn lengths at
 * random starts, on one sensor (its parameter, or the whole device) or on all
 * sensors, until `share` of the parameter's observed values in [from, to) are
 * hidden. Returns a flag per observation (1 = masked). Deterministic per seed.
 */
export function drawOutageMask(observations: readonly Observation[], options: MaskOptions): Uint8Array {
  const random = seededRandom(options.seed);
  const masked = new Uint8Array(observations.length);
  // Positions per device, in time order (observations are sorted by time).
  const byDevice = new Map<string, number[]>();
  const devices: string[] = [];
  let eligible = 0;
  observations.forEach((observation, at) => {
    if (observation.ts < options.from || observation.ts >= options.to) return;
    let list = byDevice.get(observation.deviceId);
    if (!list) {
      byDevice.set(observation.deviceId, (list = []));
      devices.push(observation.deviceId);
    }
    list.push(at);
    if (observation.parameter === options.parameter && observation.value !== null) eligible += 1;
  });
  const goal = Math.round(eligible * options.share);
  let hidden = 0;
  const hide = (positions: readonly number[], start: number, end: number, wholeDevice: boolean) => {
    for (const at of positions) {
      const observation = observations[at] as Observation;
      if (observation.ts < start || observation.ts >= end || masked[at] === 1) continue;
      if (!wholeDevice && observation.parameter !== options.parameter) continue;
      if (observation.value === null) continue;
      masked[at] = 1;
      if (observation.parameter === options.parameter) hidden += 1;
    }
  };
  const span = options.to - options.from;
  for (let attempt = 0; hidden < goal && attempt < goal * 20 + 100; attempt += 1) {
    const start = options.from + Math.floor((random() * span) / options.stepMs) * options.stepMs;
    const end = start + drawLength(random, options.stepMs) * options.stepMs;
    if (random() < NETWORK_OUTAGE_SHARE) {
      for (const device of devices) hide(windowOf(observations, byDevice.get(device) ?? [], start, end), start, end, true);
    } else {
      const device = devices[Math.floor(random() * devices.length)];
      if (device === undefined) break;
      hide(windowOf(observations, byDevice.get(device) ?? [], start, end), start, end, random() < DEVICE_OUTAGE_SHARE);
    }
  }
  return masked;
}

/** The positions of one device's observations within [start, end), by binary search over its time-ordered list. */
function windowOf(observations: readonly Observation[], positions: readonly number[], start: number, end: number): number[] {
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((observations[positions[mid] as number] as Observation).ts < start) low = mid + 1;
    else high = mid;
  }
  const result: number[] = [];
  for (let i = low; i < positions.length && (observations[positions[i] as number] as Observation).ts < end; i += 1) {
    result.push(positions[i] as number);
  }
  return result;
}

/**
 * The typical time step of the parameter's series, for the masks' time grid
 * and the gap lengths' steps: the same cadence the features detect
 * (`parameterCadence`: each series' lower-median step, snapped to a standard
 * cadence; the network's lower median of those).
 */
export function typicalStepMs(observations: readonly Observation[], parameter: string): number {
  return parameterCadence(indexObservations(observations.filter((observation) => observation.parameter === parameter)), parameter);
}
