import { FeatureContractError } from './errors';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** The step assumed when nothing in a window says otherwise (the cadence airfill was first built for). */
export const DEFAULT_STEP_MS = HOUR_MS;

/** Steps a series needs before its own cadence is trusted; with fewer it takes its network's. */
export const MIN_STEPS_FOR_CADENCE = 3;

/**
 * Cadences networks report at. A detected step within 10% of one is taken
 * as it: jittered timestamps (a reading every 2 min +- a few seconds) give a
 * median a little off the nominal step, and every sensor of a network should
 * line up on the same tolerance, not on its own jitter.
 */
const STANDARD_CADENCES_MS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60].map((minutes) => minutes * MINUTE_MS);

/** How far a detected step may be from a standard cadence and still be taken as it. */
const SNAP_SHARE = 0.1;

/** Most a model's cadence and the data's may differ (ratio) before scoring is refused. */
export const MAX_CADENCE_RATIO = 1.5;

/** `step` snapped to the standard cadence within 10% of it, else as it is. */
export function snapCadence(step: number): number {
  for (const standard of STANDARD_CADENCES_MS) if (Math.abs(step - standard) <= SNAP_SHARE * standard) return standard;
  return step;
}

/** The lower median of a list of positive numbers (sorted in place); NaN when empty. */
function lowerMedian(values: Float64Array): number {
  if (values.length === 0) return NaN;
  values.sort();
  return values[(values.length - 1) >> 1] as number;
}

/**
 * The step a series reports at: the lower median of the positive spacings
 * between its sorted timestamps (duplicates do not count; gaps are a minority
 * of spacings as long as most readings arrive, and the lower median stays on
 * the cadence up to half of the spacings inflated by gaps), snapped to a
 * standard cadence. NaN when it has fewer than `MIN_STEPS_FOR_CADENCE`
 * spacings: a sensor with a handful of readings says nothing reliable.
 */
export function cadenceOfTimes(sortedTs: ArrayLike<number>): number {
  const steps = new Float64Array(Math.max(0, sortedTs.length - 1));
  let count = 0;
  for (let i = 1; i < sortedTs.length; i += 1) {
    const step = (sortedTs[i] as number) - (sortedTs[i - 1] as number);
    if (step > 0) steps[count++] = step;
  }
  if (count < MIN_STEPS_FOR_CADENCE) return NaN;
  return snapCadence(lowerMedian(steps.subarray(0, count)));
}

/** The cadence of a network: the lower median of its series' cadences (NaN ones left out); `DEFAULT_STEP_MS` when none is known. */
export function networkCadence(cadences: Iterable<number>): number {
  const known = Float64Array.from([...cadences].filter((step) => Number.isFinite(step) && step > 0));
  return known.length > 0 ? lowerMedian(known) : DEFAULT_STEP_MS;
}

/**
 * How far from t a series' reading still stands for "the value at t": half
 * its step, at most `maxMs` (30 min: a reading every hour or slower keeps the
 * hourly tolerance, so hourly data keeps exactly its features).
 */
export function alignToleranceOf(stepMs: number, maxMs: number): number {
  return Math.min(maxMs, stepMs / 2);
}

/** "every 2 min", "every 60 min", "every 2.5 h": a cadence for people. */
export function describeCadence(stepMs: number): string {
  const minutes = stepMs / MINUTE_MS;
  if (minutes < 120) return `every ${Number(minutes.toFixed(1))} min`;
  return `every ${Number((minutes / 60).toFixed(1))} h`;
}

/**
 * Refuses data whose cadence is far from the one a model was trained on: its
 * gap lengths, its noise and how its readings line up with the neighbours'
 * are not what the model learned (an hourly model never saw a gap of 4
 * minutes), and its intervals were calibrated on other gaps. Training on the
 * data itself (`airfill train`) is the fix, and the message says so.
 */
export function assertCadenceFits(modelStepMs: number, dataStepMs: number, parameter: string): void {
  if (!Number.isFinite(modelStepMs) || !Number.isFinite(dataStepMs) || modelStepMs <= 0 || dataStepMs <= 0) return;
  const ratio = Math.max(modelStepMs, dataStepMs) / Math.min(modelStepMs, dataStepMs);
  if (ratio <= MAX_CADENCE_RATIO) return;
  throw new FeatureContractError(
    `the ${parameter} model was trained on readings ${describeCadence(modelStepMs)}, but these arrive ${describeCadence(dataStepMs)}: ` +
      `its features and intervals do not carry over; train a model on data at this cadence (airfill train)`,
    { parameter, modelStepMs, dataStepMs },
  );
}
