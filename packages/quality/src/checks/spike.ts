import { lowerBound, upperBound, type Series } from '@airfill/features';
import type { SpikeSettings } from '../config';
import type { SeriesFlag } from '../flags';
import type { ParameterSettings } from '../parameters';
import { formatNumber, HOUR_MS, kthSmallestInPlace, medianInPlace } from '../series-stats';

/**
 * The lower quartile of |x| for normal x is 0.3186 standard deviations. The
 * spread of departures is estimated from it, not from the median: a spike
 * also throws its two adjacent readings off the line, so two spikes within
 * a window already spoil half of a small window's departures.
 */
const LOWER_QUARTILE_TO_SIGMA = 1 / 0.3186;

/**
 * How far each reading of a series departs from the median of its other
 * readings within ±`windowHours` (the reference of a Hampel filter): what a
 * witness of a spike shows. `size` is in a unit that compares across sensors
 * and channels: the log ratio for concentrations (after adding one `scale`
 * to both sides, so that clean air near zero is not a ratio of tiny
 * numbers), the difference in `scale`s for levels.
 */
export interface Excursions {
  size: Float64Array;
  reference: Float64Array;
}

/** Computes {@link Excursions} for every reading of a series. */
export function excursionsOf(series: Series, parameter: ParameterSettings, settings: Pick<SpikeSettings, 'windowHours'>): Excursions {
  const { ts, values } = series;
  const n = values.length;
  const result: Excursions = { size: new Float64Array(n), reference: new Float64Array(n) };
  const halfWindow = settings.windowHours * HOUR_MS;
  let window = new Float64Array(64);
  for (let i = 0; i < n; i += 1) {
    const from = lowerBound(ts, (ts[i] as number) - halfWindow);
    const to = upperBound(ts, (ts[i] as number) + halfWindow);
    if (to - from > window.length) window = new Float64Array(2 * (to - from));
    let count = 0;
    for (let j = from; j < to; j += 1) if (j !== i) window[count++] = values[j] as number;
    const reference = medianInPlace(window, count);
    result.reference[i] = reference;
    result.size[i] = sizeOf(values[i] as number, reference, parameter);
  }
  return result;
}

function sizeOf(value: number, reference: number, parameter: ParameterSettings): number {
  if (Number.isNaN(reference)) return NaN;
  if (parameter.kind === 'level') return (value - reference) / parameter.scale;
  const s = parameter.scale;
  return Math.log((Math.max(value, 0) + s) / (Math.max(reference, 0) + s));
}

/** A series that may confirm a spike, with its excursions. */
export interface Witness {
  series: Series;
  excursions: Excursions;
}

/** The device's other channels of the same air: those whose size fraction contains this one's (PM 10 for PM 2.5), and those it contains. */
export interface ChannelWitnesses {
  containing: readonly Witness[];
  contained: readonly Witness[];
}

/** What the spike check knows about the series besides its readings. */
export interface SpikeScope {
  parameter: ParameterSettings;
  maxGapMs: number;
}

/**
 * Single-reading spike: a reading that leaves the line between its two
 * adjacent readings (the spike test of the IOOS QARTOD manuals: departure
 * from their mean, less half their difference, so a steep rise is no
 * spike) by at least `minScales` scales, `minRatio` (concentrations) and
 * `madFactor` times the series' usual such departures around it; and that
 * neither enough neighbours nor the device's other channels saw within
 * ±`toleranceHours`. Neighbours confirm by departing the same way from
 * their own recent median by `confirmFraction` of the spike's relative
 * size; a channel by departing the same way by that fraction of its
 * absolute size (a real rise of PM 2.5 is a rise of PM 10 by at least as
 * much). A value that witnesses confirm (a regional episode, fireworks) is
 * never a spike.
 *
 * `invalid` when a witness that must have seen it had data and did not (a
 * neighbour, or a channel containing this fraction): the air did not do
 * that, the sensor did (a droplet, an insect, an electrical glitch).
 * `suspect` when none had data: nothing can tell a glitch from a puff of
 * smoke next to the sensor. A smaller fraction (PM 2.5 for a PM 10 spike)
 * can confirm but not deny: coarse dust shows in PM 10 only.
 */
export function checkSpikes(own: Witness, neighbours: readonly Witness[], channels: ChannelWitnesses, scope: SpikeScope, settings: SpikeSettings): SeriesFlag[] {
  const { ts, values } = own.series;
  const adjacent = adjacentDepartures(own.series, scope.maxGapMs);
  const spread = localSpread(own.series, adjacent.departure, settings.windowHours * HOUR_MS);
  const beyondLine = adjacent.departure.map((departure, i) => Math.abs(departure) - (adjacent.slope[i] as number));
  const flags: SeriesFlag[] = [];
  const minSize = scope.parameter.kind === 'concentration' ? Math.log(settings.minRatio) : 0;
  const tolerance = settings.toleranceHours * HOUR_MS;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i] as number;
    const reference = adjacent.reference[i] as number;
    const departure = adjacent.departure[i] as number;
    const excursion = sizeOf(value, reference, scope.parameter);
    if (!((beyondLine[i] as number) >= settings.minScales * scope.parameter.scale)) continue;
    if ((beyondLine[i] as number) < settings.madFactor * (spread[i] as number) || Math.abs(excursion) < minSize) continue;
    // Next to a bigger spike, a reading leaves the line only because the spike bends it.
    if (besideBiggerSpike(beyondLine, i)) continue;

    const t = ts[i] as number;
    let withData = 0;
    let confirming = 0;
    for (const neighbour of neighbours) {
      const seen = sees(neighbour, t, tolerance, excursion, settings.confirmFraction, 'relative');
      if (seen !== undefined) withData += 1;
      if (seen) confirming += 1;
    }
    if (withData > 0 && confirming >= Math.max(1, Math.ceil(settings.confirmShare * withData))) continue;
    let containingWithData = 0;
    let channelConfirms = false;
    for (const channel of [...channels.containing, ...channels.contained]) {
      const seen = sees(channel, t, tolerance, departure, settings.confirmFraction, 'absolute');
      if (seen !== undefined && channels.containing.includes(channel)) containingWithData += 1;
      if (seen) channelConfirms = true;
    }
    if (channelConfirms) continue;

    const against = `${formatNumber(value)} between ${describeAdjacent(own.series, i)}`;
    if (withData + containingWithData === 0) {
      flags.push({ index: i, severity: 'suspect', detail: `${against}; no neighbour or other channel to confirm it` });
      continue;
    }
    const channelNote = containingWithData > 0 ? `, not by the device's ${containingWithData === 1 ? 'larger fraction' : 'larger fractions'}` : '';
    flags.push({ index: i, severity: 'invalid', detail: `${against}; seen by ${confirming} of ${withData} neighbours${channelNote}` });
  }
  return flags;
}

/**
 * Per reading, the mean of its two adjacent readings, its departure from
 * it, and half their difference; NaN unless both are within `maxGapMs` (a
 * reading next to a gap has no line to leave: with one side, which of the
 * two is the odd one cannot be told).
 */
function adjacentDepartures(series: Series, maxGapMs: number): { reference: Float64Array; departure: Float64Array; slope: Float64Array } {
  const { ts, values } = series;
  const n = values.length;
  const result = { reference: new Float64Array(n), departure: new Float64Array(n), slope: new Float64Array(n) };
  for (let i = 0; i < n; i += 1) {
    const before = i > 0 && (ts[i] as number) - (ts[i - 1] as number) <= maxGapMs ? (values[i - 1] as number) : NaN;
    const after = i + 1 < n && (ts[i + 1] as number) - (ts[i] as number) <= maxGapMs ? (values[i + 1] as number) : NaN;
    const reference = (before + after) / 2;
    result.reference[i] = reference;
    result.departure[i] = (values[i] as number) - reference;
    result.slope[i] = Math.abs(after - before) / 2;
  }
  return result;
}

function besideBiggerSpike(beyondLine: Float64Array, i: number): boolean {
  return [i - 1, i + 1].some((j) => (beyondLine[j] ?? -Infinity) > (beyondLine[i] as number));
}

/** Per reading, the robust standard deviation (from the lower quartile of sizes) of the other readings' departures within ±halfWindow: how jumpy the series is there. */
function localSpread(series: Series, departure: Float64Array, halfWindow: number): Float64Array {
  const { ts } = series;
  const spread = new Float64Array(ts.length);
  let window = new Float64Array(64);
  for (let i = 0; i < ts.length; i += 1) {
    const from = lowerBound(ts, (ts[i] as number) - halfWindow);
    const to = upperBound(ts, (ts[i] as number) + halfWindow);
    if (to - from > window.length) window = new Float64Array(2 * (to - from));
    let count = 0;
    for (let j = from; j < to; j += 1) if (j !== i && !Number.isNaN(departure[j] as number)) window[count++] = Math.abs(departure[j] as number);
    spread[i] = count > 0 ? LOWER_QUARTILE_TO_SIGMA * kthSmallestInPlace(window, count, Math.floor((count - 1) / 4)) : 0;
  }
  return spread;
}

function describeAdjacent(series: Series, i: number): string {
  return `${formatNumber(series.values[i - 1] as number)} and ${formatNumber(series.values[i + 1] as number)}`;
}

/**
 * Whether a witness moved the same way by `fraction` of `amount` within
 * ±tolerance of t, comparing relative sizes (neighbours) or absolute
 * departures from its recent median (channels); undefined when it has no
 * reading there.
 */
function sees(witness: Witness, t: number, tolerance: number, amount: number, fraction: number, compare: 'relative' | 'absolute'): boolean | undefined {
  const { series, excursions } = witness;
  const from = lowerBound(series.ts, t - tolerance);
  const to = upperBound(series.ts, t + tolerance);
  if (to <= from) return undefined;
  for (let j = from; j < to; j += 1) {
    const moved = compare === 'relative' ? (excursions.size[j] as number) : (series.values[j] as number) - (excursions.reference[j] as number);
    if (Math.sign(moved) === Math.sign(amount) && Math.abs(moved) >= fraction * Math.abs(amount)) return true;
  }
  return false;
}
