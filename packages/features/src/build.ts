import type { FeatureContract, FeatureInput, FeatureMatrix, FeatureTarget, SensorSite } from './contract';
import { BASE_COLUMNS, FEATURE_SETTINGS, FEATURE_VERSION, otherChangeColumn, otherParameterColumn, otherParametersOf } from './columns';
import { alignToleranceOf, assertCadenceFits, DEFAULT_STEP_MS } from './cadence';
import { FeatureContractError } from './errors';
import { nearestNeighbours, type Neighbour } from './geo';
import { writeNeighbourFeatures, type NeighbourSeries } from './neighbours';
import { changeAcrossSpan, gapEnds, levelAround, writeOwnFeatures } from './own';
import { indexObservations, indexSeries, parameterCadence, valueNear, type SeriesIndex } from './series';
import { timeFeatures } from './time';

/** A window's observations prepared once (sorted series, neighbour lists) and reused for many target sets. */
export interface FeatureContext {
  sites: Map<string, SensorSite>;
  index: SeriesIndex;
  neighbours: Map<string, Neighbour[]>;
  /** The parameter's cadence in the window (ms): the lower median of its series' steps. */
  stepMs: number;
  /** Width of a time slot: the network's step, at most an hour. */
  slotMs: number;
  /** Sensors with the parameter observed per time slot (a sensor slower than the network covers the slots within half its step). */
  observedPerSlot: Map<number, number>;
  /** Sensors that report the parameter at all in the window. */
  sensorsWithParameter: number;
}

/**
 * Counts, per slot of `slotMs`, the sensors observed there. A reading
 * covers the slots within its series' alignment tolerance beyond the slot's
 * own half width, so a sensor reporting every 10 min counts as observed in
 * each 2-min slot it stands for; at one cadence a reading covers its slot.
 */
function countObservedPerSlot(index: SeriesIndex, parameter: string, slotMs: number): { observedPerSlot: Map<number, number>; withParameter: Set<string> } {
  const slotOf = (ts: number) => Math.round(ts / slotMs);
  const withParameter = new Set<string>();
  const observedPerSlot = new Map<number, number>();
  for (const [deviceId, byParameter] of index) {
    const series = byParameter.get(parameter);
    if (!series) continue;
    withParameter.add(deviceId);
    const reach = Math.max(0, alignToleranceOf(series.stepMs, FEATURE_SETTINGS.alignToleranceMs) - slotMs / 2);
    let lastSlot = -Infinity;
    for (const ts of series.ts) {
      const last = slotOf(ts + reach);
      for (let slot = Math.max(lastSlot + 1, slotOf(ts - reach)); slot <= last; slot += 1) {
        observedPerSlot.set(slot, (observedPerSlot.get(slot) ?? 0) + 1);
      }
      lastSlot = Math.max(lastSlot, last);
    }
  }
  return { observedPerSlot, withParameter };
}

/** Indexes a window (all parameters, all nearby sensors) for `parameter`'s features. */
export function prepareFeatureContext(input: FeatureInput, parameter: string): FeatureContext {
  const index = 'series' in input ? indexSeries(input.series) : indexObservations(input.observations);
  const stepMs = parameterCadence(index, parameter);
  const slotMs = Math.min(stepMs, 2 * FEATURE_SETTINGS.alignToleranceMs);
  const { observedPerSlot, withParameter } = countObservedPerSlot(index, parameter, slotMs);
  return {
    sites: new Map(input.sites.map((site) => [site.deviceId, site])),
    index,
    neighbours: nearestNeighbours(input.sites, withParameter, FEATURE_SETTINGS.neighbours),
    stepMs,
    slotMs,
    observedPerSlot,
    sensorsWithParameter: withParameter.size,
  };
}

/**
 * Features of `targets` as a row-major matrix in the contract's column order.
 * One pass per target over sorted typed arrays (binary searches), no queries.
 * `input` is the context: every parameter of the targets' sensors and their
 * neighbours, `contract.contextBeforeMs/AfterMs` around the targets. The
 * targets' own values must be absent or null in it (a model never sees the
 * truth it predicts).
 */
export function buildFeatureMatrix(
  input: FeatureInput,
  targets: FeatureTarget[],
  contract: FeatureContract,
): FeatureMatrix {
  return buildFeatureMatrixFromContext(prepareFeatureContext(input, contract.parameter), targets, contract);
}

/** The column positions of a contract within this version's canonical order. */
function columnPermutation(contract: FeatureContract, otherNames: readonly string[]): { permutation: number[]; width: number } {
  if (contract.version !== FEATURE_VERSION) {
    throw new FeatureContractError(`feature contract ${contract.version} is not ${FEATURE_VERSION}`, { version: contract.version });
  }
  const canonical: string[] = [...BASE_COLUMNS, ...otherNames.map(otherParameterColumn), ...otherNames.map(otherChangeColumn)];
  const position = new Map(canonical.map((name, at) => [name, at]));
  const permutation = contract.columns.map((name) => {
    const at = position.get(name);
    if (at === undefined) throw new FeatureContractError(`unknown feature column ${name}`, { column: name });
    return at;
  });
  return { permutation, width: canonical.length };
}

/**
 * As `buildFeatureMatrix`, on a prepared context. Refuses (FeatureContractError)
 * a window whose cadence is far from the one the contract's model was
 * trained on (`assertCadenceFits`); a contract without `stepMs` is from
 * before cadences were recorded, when models were trained on hourly data.
 */
export function buildFeatureMatrixFromContext(context: FeatureContext, targets: readonly FeatureTarget[], contract: FeatureContract): FeatureMatrix {
  const otherNames = otherParametersOf(contract);
  const { permutation, width } = columnPermutation(contract, otherNames);
  if (targets.length > 0 && context.sensorsWithParameter > 0) assertCadenceFits(contract.stepMs ?? DEFAULT_STEP_MS, context.stepMs, contract.parameter);
  const columns = contract.columns.length;
  const values = new Float64Array(targets.length * columns);
  const scratch = new Float64Array(width);
  const { alignToleranceMs } = FEATURE_SETTINGS;
  const neighbourSeries = new Map<string, NeighbourSeries>();
  const neighboursOf = (deviceId: string): NeighbourSeries => {
    let list = neighbourSeries.get(deviceId);
    if (!list) {
      list = (context.neighbours.get(deviceId) ?? []).flatMap((neighbour) => {
        const series = context.index.get(neighbour.deviceId)?.get(contract.parameter);
        return series ? [{ neighbour, series }] : [];
      });
      neighbourSeries.set(deviceId, list);
    }
    return list;
  };

  targets.forEach((target, row) => {
    const t = target.ts;
    const own = context.index.get(target.deviceId);
    const series = own?.get(contract.parameter);
    let k = 0;

    const time = timeFeatures(t, context.sites.get(target.deviceId)?.longitude ?? NaN);
    scratch[k++] = time.hourSin;
    scratch[k++] = time.hourCos;

    const ends = gapEnds(series, t);
    k = writeOwnFeatures(scratch, k, series, t, ends);
    const neighbours = writeNeighbourFeatures(scratch, k, neighboursOf(target.deviceId), t, ends);
    k = neighbours.next;
    // Share of the other sensors observed at t: low when the network itself is down.
    const others = context.sensorsWithParameter - (series ? 1 : 0);
    scratch[k++] = others > 0 ? (context.observedPerSlot.get(Math.round(t / context.slotMs)) ?? 0) / others : NaN;

    // Baseline: corrected interpolation, falling back to neighbours, then the sensor's and the network's level around t.
    const { change, ratioEstimate, idwValue } = neighbours.summary;
    let baseline = ends.interp === ends.interp ? ends.interp + (change === change ? change : 0) : NaN;
    if (baseline !== baseline) baseline = ratioEstimate === ratioEstimate ? ratioEstimate : idwValue;
    if (baseline !== baseline) baseline = levelAround(series, t);
    if (baseline !== baseline) baseline = networkLevelAround(context, contract.parameter, t);
    scratch[k++] = baseline;

    for (const name of otherNames) {
      const other = own?.get(name);
      scratch[k++] = other ? valueNear(other, t, alignToleranceOf(other.stepMs, alignToleranceMs)) : NaN;
    }
    for (const name of otherNames) scratch[k++] = changeAcrossSpan(own?.get(name), t, ends);

    const base = row * columns;
    for (let column = 0; column < columns; column += 1) values[base + column] = scratch[permutation[column] as number] as number;
  });
  return { contract, rows: targets.length, columns, values };
}

/** Mean of every sensor's values of the parameter over the context window around t (the last fallback of the baseline). */
function networkLevelAround(context: FeatureContext, parameter: string, t: number): number {
  let sum = 0;
  let count = 0;
  for (const byParameter of context.index.values()) {
    const level = levelAround(byParameter.get(parameter), t);
    if (level !== level) continue;
    sum += level;
    count += 1;
  }
  return count > 0 ? sum / count : NaN;
}
