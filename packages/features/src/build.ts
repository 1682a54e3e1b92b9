import type { FeatureContract, FeatureMatrix, FeatureTarget, Observation, SensorSite } from './contract';
import { BASE_COLUMNS, FEATURE_SETTINGS, FEATURE_VERSION, otherChangeColumn, otherParameterColumn, otherParametersOf } from './columns';
import { nearestNeighbours, type Neighbour } from './geo';
import { indexObservations, lowerBound, seriesMean, upperBound, valueNear, windowMean, type Series, type SeriesIndex } from './series';
import { timeFeatures } from './time';
import { FeatureContractError } from './errors';

const HOUR_MS = 3_600_000;

/** A window's observations prepared once (sorted series, neighbour lists) and reused for many target sets. */
export interface FeatureContext {
  sites: Map<string, SensorSite>;
  index: SeriesIndex;
  neighbours: Map<string, Neighbour[]>;
}


/** Indexes a window (all parameters, all nearby sensors) for `parameter`'s features. */
export function prepareFeatureContext(input: { sites: SensorSite[]; observations: Observation[] }, parameter: string): FeatureContext {
  const index = indexObservations(input.observations);
  const withParameter = new Set<string>();
  for (const [deviceId, byParameter] of index) if (byParameter.has(parameter)) withParameter.add(deviceId);
  return {
    sites: new Map(input.sites.map((site) => [site.deviceId, site])),
    index,
    neighbours: nearestNeighbours(input.sites, withParameter, FEATURE_SETTINGS.neighbours),
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
  input: { sites: SensorSite[]; observations: Observation[] },
  targets: FeatureTarget[],
  contract: FeatureContract,
): FeatureMatrix {
  return buildFeatureMatrixFromContext(prepareFeatureContext(input, contract.parameter), targets, contract);
}

/** As `buildFeatureMatrix`, on a prepared context. */
export function buildFeatureMatrixFromContext(context: FeatureContext, targets: readonly FeatureTarget[], contract: FeatureContract): FeatureMatrix {
  if (contract.version !== FEATURE_VERSION) {
    throw new FeatureContractError(`feature contract ${contract.version} is not ${FEATURE_VERSION}`, { version: contract.version });
  }
  const others = otherParametersOf(contract);
  const canonical: string[] = [...BASE_COLUMNS, ...others.map(otherParameterColumn), ...others.map(otherChangeColumn)];
  const position = new Map(canonical.map((name, at) => [name, at]));
  const permutation = contract.columns.map((name) => {
    const at = position.get(name);
    if (at === undefined) throw new FeatureContractError(`unknown feature column ${name}`, { column: name });
    return at;
  });
  const width = canonical.length;
  const columns = contract.columns.length;
  const values = new Float64Array(targets.length * columns);
  const scratch = new Float64Array(width);
  const parameterMean = contextMean(context, contract.parameter);
  const { alignToleranceMs: tolerance, contextMs, shortWindowMs, longWindowMs } = FEATURE_SETTINGS;

  targets.forEach((target, row) => {
    const t = target.ts;
    const site = context.sites.get(target.deviceId);
    const own = context.index.get(target.deviceId);
    const series = own?.get(contract.parameter);
    let k = 0;

    const time = timeFeatures(t, site?.longitude ?? NaN);
    scratch[k++] = time.hourSin;
    scratch[k++] = time.hourCos;

    // Own last/next observation strictly around t, within the context span.
    let prevTs = NaN;
    let prevValue = NaN;
    let nextTs = NaN;
    let nextValue = NaN;
    if (series) {
      const before = lowerBound(series.ts, t) - 1;
      if (before >= 0 && t - (series.ts[before] as number) <= contextMs) {
        prevTs = series.ts[before] as number;
        prevValue = series.values[before] as number;
      }
      const after = upperBound(series.ts, t);
      if (after < series.ts.length && (series.ts[after] as number) - t <= contextMs) {
        nextTs = series.ts[after] as number;
        nextValue = series.values[after] as number;
      }
    }
    const hasPrev = prevTs === prevTs;
    const hasNext = nextTs === nextTs;
    const weight = hasPrev && hasNext ? (t - prevTs) / (nextTs - prevTs) : NaN;
    const ownInterp = hasPrev && hasNext ? prevValue + (nextValue - prevValue) * weight : hasPrev ? prevValue : nextValue;
    const ownMean = seriesMean(series);
    scratch[k++] = prevValue;
    scratch[k++] = hasPrev ? (t - prevTs) / HOUR_MS : NaN;
    scratch[k++] = nextValue;
    scratch[k++] = hasNext ? (nextTs - t) / HOUR_MS : NaN;
    scratch[k++] = hasPrev && hasNext ? (nextTs - prevTs) / HOUR_MS : NaN;
    scratch[k++] = ownInterp;
    scratch[k++] = windowMean(series, t - shortWindowMs, t);
    scratch[k++] = windowMean(series, t + 1, t + shortWindowMs + 1);
    scratch[k++] = windowMean(series, t - longWindowMs, t);
    scratch[k++] = windowMean(series, t + 1, t + longWindowMs + 1);
    scratch[k++] = ownMean;

    // Neighbours: value at t, and the change they saw across the target's own gap.
    let idwSum = 0;
    let idwWeight = 0;
    let count = 0;
    let nearestValue = NaN;
    let nearestKm = NaN;
    let changeSum = 0;
    let changeWeight = 0;
    let sincePrevSum = 0;
    let sincePrevWeight = 0;
    let toNextSum = 0;
    let toNextWeight = 0;
    let prevNbSum = 0;
    let prevNbWeight = 0;
    let nextNbSum = 0;
    let nextNbWeight = 0;
    let meanSum = 0;
    let meanWeight = 0;
    for (const neighbour of context.neighbours.get(target.deviceId) ?? []) {
      const other: Series | undefined = context.index.get(neighbour.deviceId)?.get(contract.parameter);
      if (!other) continue;
      const w = neighbour.weight;
      const recent = windowMean(other, t - shortWindowMs, t + 1);
      if (recent === recent) {
        meanSum += w * recent;
        meanWeight += w;
      }
      const atT = valueNear(other, t, tolerance);
      const atPrev = hasPrev ? valueNear(other, prevTs, tolerance) : NaN;
      const atNext = hasNext ? valueNear(other, nextTs, tolerance) : NaN;
      if (atPrev === atPrev) {
        prevNbSum += w * atPrev;
        prevNbWeight += w;
      }
      if (atNext === atNext) {
        nextNbSum += w * atNext;
        nextNbWeight += w;
      }
      if (atT !== atT) continue;
      count += 1;
      idwSum += w * atT;
      idwWeight += w;
      if (nearestKm !== nearestKm) {
        nearestValue = atT;
        nearestKm = neighbour.km;
      }
      if (atPrev === atPrev) {
        sincePrevSum += w * (atT - atPrev);
        sincePrevWeight += w;
      }
      if (atNext === atNext) {
        toNextSum += w * (atNext - atT);
        toNextWeight += w;
      }
      // Deviation from the neighbour's own interpolation over the same span as ours.
      const expected = hasPrev && hasNext ? atPrev + (atNext - atPrev) * weight : hasPrev ? atPrev : atNext;
      if (expected === expected) {
        changeSum += w * (atT - expected);
        changeWeight += w;
      }
    }
    const idwValue = idwWeight > 0 ? idwSum / idwWeight : NaN;
    const change = changeWeight > 0 ? changeSum / changeWeight : NaN;
    // Cross-station ratio at the gap's ends, smoothed by +1 so clean air does not divide by zero.
    let ratioSum = 0;
    let ratioCount = 0;
    if (hasPrev && prevNbWeight > 0) {
      ratioSum += (prevValue + 1) / (prevNbSum / prevNbWeight + 1);
      ratioCount += 1;
    }
    if (hasNext && nextNbWeight > 0) {
      ratioSum += (nextValue + 1) / (nextNbSum / nextNbWeight + 1);
      ratioCount += 1;
    }
    const ratioEstimate = ratioCount > 0 && idwValue === idwValue ? (idwValue + 1) * (ratioSum / ratioCount) - 1 : NaN;
    scratch[k++] = idwValue;
    scratch[k++] = count;
    scratch[k++] = nearestValue;
    scratch[k++] = nearestKm;
    scratch[k++] = change;
    scratch[k++] = sincePrevWeight > 0 ? sincePrevSum / sincePrevWeight : NaN;
    scratch[k++] = toNextWeight > 0 ? toNextSum / toNextWeight : NaN;
    scratch[k++] = ratioEstimate;
    scratch[k++] = meanWeight > 0 ? meanSum / meanWeight : NaN;

    // Baseline: corrected interpolation, falling back to neighbours, then the sensor's and the parameter's mean.
    let baseline = ownInterp === ownInterp ? ownInterp + (change === change ? change : 0) : NaN;
    if (baseline !== baseline) baseline = ratioEstimate === ratioEstimate ? ratioEstimate : idwValue;
    if (baseline !== baseline) baseline = ownMean;
    if (baseline !== baseline) baseline = parameterMean;
    scratch[k++] = baseline;

    const othersAtT = others.map((parameter) => valueNear(own?.get(parameter), t, tolerance));
    for (const value of othersAtT) scratch[k++] = value;
    others.forEach((parameter, at) => {
      const other = own?.get(parameter);
      const atPrev = hasPrev ? valueNear(other, prevTs, tolerance) : NaN;
      const atNext = hasNext ? valueNear(other, nextTs, tolerance) : NaN;
      const expected = hasPrev && hasNext ? atPrev + (atNext - atPrev) * weight : hasPrev ? atPrev : atNext;
      scratch[k++] = (othersAtT[at] as number) - expected;
    });

    const base = row * columns;
    for (let column = 0; column < columns; column += 1) values[base + column] = scratch[permutation[column] as number] as number;
  });
  return { contract, rows: targets.length, columns, values };
}

function contextMean(context: FeatureContext, parameter: string): number {
  let sum = 0;
  let count = 0;
  for (const byParameter of context.index.values()) {
    const series = byParameter.get(parameter);
    if (!series) continue;
    sum += series.prefix[series.ts.length] as number;
    count += series.ts.length;
  }
  return count > 0 ? sum / count : NaN;
}
