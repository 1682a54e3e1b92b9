import { toPrediction, type FeatureContract, type FeatureMatrix } from '@airfill/features';
import type { PredictionRecord, TargetRecord, TransformManifest } from '@airfill/schema';
import type { PlausibleRange } from './plausible-range';

/** The outcome of checking a transform's output against its input. */
export type OutputCheck =
  | { ok: true; predictions: PredictionRecord[]; floored: number }
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

/**
 * Checks the transform output (lines `id,raw output`, joined by SageMaker from
 * the input's id column; never a positional join) against the targets: every
 * id exactly once, no id that was not sent, every value a finite number, every
 * final value in the plausible range. Returns the final predictions, or the
 * reason the output cannot be trusted.
 */
export function checkTransformOutput(
  outputs: readonly string[],
  targets: readonly TargetRecord[],
  manifest: Pick<TransformManifest, 'contract' | 'modelVersion'>,
  range: PlausibleRange,
): OutputCheck {
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
        problems.add('unknown ids', idText.trim());
        continue;
      }
      if (seen[index]) {
        problems.add('duplicate ids', String(id));
        continue;
      }
      seen[index] = 1;
      const value = valueText.trim() === '' ? Number.NaN : Number(valueText);
      if (!Number.isFinite(value)) problems.add('values that are not finite numbers', `${id}=${valueText.trim()}`);
      raw[index] = value;
    }
  }
  for (const [index, target] of targets.entries()) if (!seen[index]) problems.add('missing ids', String(target.id));

  const matrix = baselineMatrix(manifest.contract, targets);
  const predictions: PredictionRecord[] = [];
  let floored = 0;
  for (const [index, target] of targets.entries()) {
    if (!seen[index] || !Number.isFinite(raw[index])) continue;
    let value = toPrediction(matrix, index, raw[index]!);
    if (!(value >= range.min && value <= range.max)) {
      problems.add(`values outside [${range.min}, ${range.max}]`, `${target.id}=${value}`);
      continue;
    }
    if (range.floor !== undefined && value < range.floor) {
      value = range.floor;
      floored += 1;
    }
    predictions.push({ deviceId: target.deviceId, parameter: target.parameter, ts: target.ts, value, modelVersion: manifest.modelVersion });
  }
  if (!problems.empty) return { ok: false, reason: problems.reason(), problems: problems.counts() };
  return { ok: true, predictions, floored };
}
