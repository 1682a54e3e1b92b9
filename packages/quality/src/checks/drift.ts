import { lowerBound, type Series } from '@airfill/features';
import type { DriftSettings } from '../config';
import type { SeriesFlag } from '../flags';
import type { ParameterSettings } from '../parameters';
import { DAY_MS, formatInstant, formatNumber } from '../series-stats';
import { BLOCK_MS, BLOCKS_PER_DAY, relationToNeighbours, usualByDay, windowMedians } from './drift-relation';

/** What the drift check knows about the series besides its readings. */
export interface DriftScope {
  parameter: ParameterSettings;
  cadenceMs: number;
}

/** A stretch of blocks found drifting, and its worst departure. */
interface DriftRun {
  start: number;
  end: number;
  worst: number;
  departure: number;
  usual: number;
}

/**
 * Drift: for `minDays` or more, the sensor's relation to its neighbours'
 * median departs from its usual one, as a factor beyond `maxRatio`
 * (concentrations) or an offset beyond `maxOffsetScales` (levels): `suspect`.
 * Sensors differ from their neighbours for good reasons (a busy street, a
 * rural site), so the reference is the sensor's own usual relation: the
 * median of its daily relations over `baselineDays` around (the whole
 * input when shorter), computed again without the days a first pass found
 * drifting. A drift must be well shorter than that to stand out; one that
 * lasts for months becomes the new usual.
 *
 * Judged in 6-hour blocks on the median relation over `windowDays` around
 * each, with hysteresis: a run holds `minDays` of blocks beyond the
 * threshold, joined by blocks beyond `extendShare` of it (clean-air days,
 * when a ratio says little), and is extended over the blocks next to it
 * whose one-day median departs the same way by that share (the ramp into
 * it).
 *
 * Suspect, not invalid: a drifting sensor still follows the air's ups and
 * downs and a recalibration can recover its values; whether the sensor or
 * its surroundings changed (a building site next door) takes a person to
 * tell. Hiding days of readings would throw that away and leave gaps too
 * long to fill well.
 */
export function checkDrift(series: Series, neighbours: readonly Series[], scope: DriftScope, settings: DriftSettings): SeriesFlag[] {
  const { ts } = series;
  const n = ts.length;
  if (n === 0 || neighbours.length < settings.minNeighbours) return [];
  const relation = relationToNeighbours(series, neighbours, scope.parameter, scope.cadenceMs, settings);
  const firstDay = Math.floor((ts[0] as number) / DAY_MS);
  const days = Math.floor((ts[n - 1] as number) / DAY_MS) - firstDay + 1;
  const grid = { firstBlock: firstDay * BLOCKS_PER_DAY, blocks: days * BLOCKS_PER_DAY, blockMs: BLOCK_MS };
  const needed = (windowMs: number) => settings.minCoverage * (windowMs / scope.cadenceMs);
  const windowMs = settings.windowDays * DAY_MS;
  const core = windowMedians(ts, relation, grid, windowMs, needed(windowMs));
  const edge = windowMedians(ts, relation, grid, DAY_MS, needed(DAY_MS));
  const daily = windowMedians(ts, relation, { firstBlock: firstDay, blocks: days, blockMs: DAY_MS }, DAY_MS, 1);
  const threshold = scope.parameter.kind === 'concentration' ? Math.log(settings.maxRatio) : settings.maxOffsetScales;

  let runs: DriftRun[] = [];
  let excluded = new Uint8Array(days);
  for (let pass = 0; pass < 2; pass += 1) {
    const usual = usualByDay(daily, settings.baselineDays, excluded);
    runs = findRuns(core, edge, usual, threshold, settings);
    if (runs.length === 0) break;
    excluded = new Uint8Array(days);
    for (const run of runs) excluded.fill(1, Math.floor(run.start / BLOCKS_PER_DAY), Math.ceil(run.end / BLOCKS_PER_DAY));
  }

  const flags: SeriesFlag[] = [];
  for (const run of runs) {
    const from = (grid.firstBlock + run.start) * BLOCK_MS;
    const to = (grid.firstBlock + run.end) * BLOCK_MS;
    const detail = describe(scope.parameter, run.usual, run.departure, from, to);
    for (let i = lowerBound(ts, from); i < n && (ts[i] as number) < to; i += 1) flags.push({ index: i, severity: 'suspect', detail });
  }
  return flags;
}

/** Runs of blocks departing the same way from the usual relation (see {@link checkDrift}). */
function findRuns(core: Float64Array, edge: Float64Array, usual: Float64Array, threshold: number, settings: DriftSettings): DriftRun[] {
  const blocks = core.length;
  const departure = (values: Float64Array, block: number) => (values[block] as number) - (usual[Math.floor(block / BLOCKS_PER_DAY)] as number);
  const beyond = (values: Float64Array, block: number, sign: number, limit: number) => {
    const value = departure(values, block);
    return Math.sign(value) === sign && Math.abs(value) > limit;
  };
  const weak = settings.extendShare * threshold;
  const minBlocks = settings.minDays * BLOCKS_PER_DAY;
  const runs: DriftRun[] = [];
  let block = 0;
  let flaggedUntil = 0;
  while (block < blocks) {
    const sign = Math.sign(departure(core, block));
    if (!beyond(core, block, sign, threshold)) {
      block += 1;
      continue;
    }
    let end = block + 1;
    let strong = 1;
    let worst = block;
    while (end < blocks && beyond(core, end, sign, weak)) {
      if (beyond(core, end, sign, threshold)) strong += 1;
      if (Math.abs(departure(core, end)) > Math.abs(departure(core, worst))) worst = end;
      end += 1;
    }
    if (strong >= minBlocks) {
      let start = block;
      while (start > flaggedUntil && beyond(edge, start - 1, sign, weak)) start -= 1;
      while (end < blocks && beyond(edge, end, sign, weak)) end += 1;
      runs.push({ start, end, worst, departure: departure(core, worst), usual: usual[Math.floor(worst / BLOCKS_PER_DAY)] as number });
      flaggedUntil = end;
    }
    block = end;
  }
  return runs;
}

function describe(parameter: ParameterSettings, usual: number, departure: number, from: number, to: number): string {
  const span = `from ${formatInstant(from)} to ${formatInstant(to)}`;
  if (parameter.kind === 'concentration') {
    return `${span} its ratio to the neighbours' median reached ${formatNumber(Math.exp(usual + departure))}x, against ${formatNumber(Math.exp(usual))}x usually`;
  }
  return `${span} its offset from the neighbours' median reached ${formatNumber((usual + departure) * parameter.scale)}, against ${formatNumber(usual * parameter.scale)} usually`;
}
