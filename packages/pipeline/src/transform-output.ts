import { toPrediction, type FeatureContract, type FeatureMatrix } from '@airfill/features';
import { calibrationTableSchema, intervalFor, widestErrors, type CalibrationTable } from '@airfill/model';
import type { PredictionRecord, RefusedRecord, TargetRecord, TransformManifest } from '@airfill/schema';
import { InputError } from './errors';
import type { LivePoint } from './live-check';
import type { PlausibleRange } from './plausible-range';

/** The live check's hidden values as predicted: scored, never written. */
export interface LiveOutcome {
  points: LivePoint[];
  /** Hidden values whose prediction was refused (as a fill's would have been). */
  refused: number;
  /** The calibrated intervals' nominal coverage; null without a calibration. */
  nominalCoverage: number | null;
}

/**
 * The outcome of checking a transform's output against its input: the
 * predictions to write and those refused one by one, or (when the output
 * cannot be joined to its input) the reason it cannot be trusted at all.
 */
export type OutputCheck =
  | { ok: true; predictions: PredictionRecord[]; refused: RefusedRecord[]; clamped: number; live: LiveOutcome }
  | { ok: false; reason: string; problems: Record<string, number> };

const EXAMPLES = 5;

/** Collects problems by kind with a few examples each, for a reason a person can act on. */
class Problems {
  private readonly byKind = new Map<string, { count: number; examples: string[] }>();
  add(kind: string, example: string): void {
    const entry = this.byKind.get(kind) ?? { count: 0, examples: [] };
    entry.count += 1;
    if (entry.examples.length < EXAMPLES) entry.examples.push(example);
    this.byKind.set(kind, entry);
  }
  get empty(): boolean {
    return this.byKind.size === 0;
  }
  counts(): Record<string, number> {
    return Object.fromEntries([...this.byKind].map(([kind, entry]) => [kind, entry.count]));
  }
  reason(): string {
    return [...this.byKind].map(([kind, entry]) => `${entry.count} ${kind} (e.g. ${entry.examples.join(', ')})`).join('; ');
  }
}

/**
 * A one-column matrix holding each row's baseline, so final values come from
 * `toPrediction` (the one place that knows how a target kind becomes a value).
 */
function baselineMatrix(contract: TransformManifest['contract'], targets: readonly TargetRecord[]): FeatureMatrix {
  const column = contract.target.kind === 'residual' ? contract.target.baselineColumn : 'baseline';
  return {
    // The manifest keeps the whole contract; only the target kind and the (single) baseline column matter here.
    contract: { ...(contract as unknown as FeatureContract), columns: [column] },
    rows: targets.length,
    columns: 1,
    values: Float64Array.from(targets, (target) => target.baseline ?? Number.NaN),
  };
}

/** The range in words: the physical bounds and how far past them a value is still stored as the bound, or the sanity bounds of a parameter without any. */
function describeRange(range: PlausibleRange, parameter: string, slack: BoundSlack): string {
  const round = (value: number) => Number(value.toPrecision(7));
  if (range.floor === undefined || range.ceiling === undefined) return `the plausible range [${round(range.min)}, ${round(range.max)}]`;
  const give = slack.under === slack.over ? `give or take ${round(slack.under)}` : `less ${round(slack.under)}, plus ${round(slack.over)}`;
  return `the plausible range of ${parameter}, ${round(range.floor)} to ${round(range.ceiling)} (${give})`;
}

/** How far past a physical bound a prediction may fall and still be stored as the bound. */
export interface BoundSlack {
  /** Below the floor. */
  under: number;
  /** Above the ceiling. */
  over: number;
}

/**
 * The slack of a model: the range's fixed tolerance, or the widest error
 * the model's calibration allows (its worst stratum's interval), whichever
 * is larger. A residual model that undershoots zero on clean air after a
 * faulty high reading (Beijing, March 2016: -46 µg/m³ where the model's
 * widest calibrated under-prediction is 127) is making its known error,
 * not a broken one; a prediction further out than any error the model
 * makes is refused.
 */
export function boundSlackOf(range: PlausibleRange, calibration: CalibrationTable | null): BoundSlack {
  const widest = calibration ? widestErrors(calibration) : { under: 0, over: 0 };
  return {
    under: Math.max(range.floor === undefined ? 0 : range.floor - range.min, widest.under),
    over: Math.max(range.ceiling === undefined ? 0 : range.max - range.ceiling, widest.over),
  };
}

/**
 * Where a prediction goes in the plausible range: inside the physical
 * bounds it stays; past a bound by no more than the slack it is stored as
 * the bound; further out, or not finite, it is refused (null).
 */
export function placeInRange(predicted: number, range: PlausibleRange, slack: BoundSlack): number | null {
  if (!Number.isFinite(predicted)) return null;
  const floor = range.floor ?? range.min;
  const ceiling = range.ceiling ?? range.max;
  if (predicted < floor) return floor - predicted <= slack.under ? floor : null;
  if (predicted > ceiling) return predicted - ceiling <= slack.over ? ceiling : null;
  return predicted;
}

/** A reading as people name it: device, parameter, time. */
const named = (target: TargetRecord) => `${target.deviceId} ${target.parameter} at ${target.ts}`;

/** The manifest's calibration table, validated (a model without one gives null). */
function parseCalibration(raw: unknown): CalibrationTable | null {
  if (raw === null || raw === undefined) return null;
  const parsed = calibrationTableSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`the transform manifest's calibration is not a calibration table: ${parsed.error.issues[0]?.message ?? ''}`, {});
  return parsed.data;
}

/**
 * Checks the transform output (lines `id,raw output`, joined by SageMaker from
 * the input's id column; never a positional join) against the targets.
 * An output that cannot be joined to its input (a line that is not
 * `id,value`, an id not sent, an id twice or missing) is not trusted at all.
 * Otherwise each prediction stands alone: one that is not a finite number or
 * falls outside the plausible range is refused (its reading stays missing)
 * and the others are kept, so one bad sensor never blocks the rest. A value
 * past a physical bound by no more than the model's widest calibrated error
 * (or the range's fixed tolerance) is stored as the bound ({@link placeInRange}).
 * Problems and refusals name readings by device, parameter and time.
 * The live check's hidden values (targets with `probe`) go through the very
 * same steps and come out apart, in `live`: scored, never written.
 */
export function checkTransformOutput(
  outputs: readonly string[],
  targets: readonly TargetRecord[],
  manifest: Pick<TransformManifest, 'contract' | 'modelVersion'> & { calibration?: unknown },
  range: PlausibleRange,
): OutputCheck {
  const calibration = parseCalibration(manifest.calibration);
  const row = new Map(targets.map((target, index) => [target.id, index]));
  const raw = new Float64Array(targets.length).fill(Number.NaN);
  const seen = new Uint8Array(targets.length);
  const problems = new Problems();
  for (const text of outputs) {
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      const cells = line.split(',');
      if (cells.length !== 2) {
        problems.add('malformed lines', JSON.stringify(line.slice(0, 80)));
        continue;
      }
      const [idText, valueText] = cells as [string, string];
      const id = /^\s*\d+\s*$/.test(idText) ? Number(idText) : Number.NaN;
      const index = row.get(id);
      if (index === undefined) {
        problems.add('unknown ids', `row id ${JSON.stringify(idText.trim().slice(0, 20))} was never sent`);
        continue;
      }
      if (seen[index]) {
        problems.add('duplicate ids', named(targets[index]!));
        continue;
      }
      seen[index] = 1;
      raw[index] = valueText.trim() === '' ? Number.NaN : Number(valueText);
    }
  }
  for (const [index, target] of targets.entries()) if (!seen[index]) problems.add('missing ids', named(target));
  if (!problems.empty) return { ok: false, reason: problems.reason(), problems: problems.counts() };

  const matrix = baselineMatrix(manifest.contract, targets);
  const slack = boundSlackOf(range, calibration);
  const predictions: PredictionRecord[] = [];
  const refused: RefusedRecord[] = [];
  const live: LiveOutcome = { points: [], refused: 0, nominalCoverage: calibration?.level ?? null };
  let clamped = 0;
  for (const [index, target] of targets.entries()) {
    const reading = { deviceId: target.deviceId, parameter: target.parameter, ts: target.ts };
    if (!Number.isFinite(raw[index])) {
      if (target.probe) live.refused += 1;
      else refused.push({ ...reading, value: null, reason: 'the model gave no finite number' });
      continue;
    }
    const predicted = toPrediction(matrix, index, raw[index]!);
    const key = { gapSteps: target.gapSteps ?? Infinity, neighboursObserved: target.neighboursObserved };
    const value = placeInRange(predicted, range, slack);
    if (value === null) {
      if (target.probe) {
        live.refused += 1;
        continue;
      }
      refused.push({ ...reading, value: Number.isFinite(predicted) ? predicted : null, reason: `${Number(predicted.toPrecision(7))} is outside ${describeRange(range, target.parameter, slack)}` });
      continue;
    }
    // The model's calibrated interval around the value, never past the physical bounds.
    const interval = calibration ? intervalFor(calibration, key, value) : null;
    const lower = interval ? Math.max(interval.lower, range.floor ?? -Infinity) : null;
    const upper = interval ? Math.min(interval.upper, range.ceiling ?? Infinity) : null;
    if (target.probe) {
      live.points.push({ ts: target.ts, value, lower, upper, truth: target.probe.truth, linear: target.probe.linear });
      continue;
    }
    if (value !== predicted) clamped += 1;
    predictions.push({ ...reading, value, lower, upper, modelVersion: manifest.modelVersion });
  }
  return { ok: true, predictions, refused, clamped, live };
}
