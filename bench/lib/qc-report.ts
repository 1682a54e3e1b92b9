import type { Observation } from '@airfill/features';
import type { QualityFlag } from '@airfill/quality';
import type { Episode } from './episodes';
import type { QcScore } from './qc-score';

/** The figures of one seed's run that the targets are judged on. */
export interface SeedSummary {
  seed: number;
  injected: number;
  recall: number;
  precision: number;
  /** Share of the parameter's untouched readings flagged, and of every parameter's. */
  untouched: number;
  allUntouched: number;
  episodeFlags: number;
  maeBefore: number;
  maeAfter: number;
  checkSeconds: number;
}

export const pct = (share: number, digits = 1): string => `${(100 * share).toFixed(digits)} %`;
const iso = (ts: number) => new Date(ts).toISOString().slice(0, 16).replace('T', ' ');
const cells = (widths: readonly number[], values: readonly (string | number)[]) =>
  values.map((value, at) => (at === 0 ? String(value).padEnd(widths[at] ?? 8) : String(value).padStart(widths[at] ?? 8))).join(' ');

/** Recall per fault kind, then flags and precision per check. */
export function printScore(score: QcScore): void {
  const kindWidths = [14, 8, 7, 7, 8, 14];
  console.log(`\n${cells(kindWidths, ['fault kind', 'changed', 'faulty', 'found', 'recall', 'found invalid'])}`);
  for (const [kind, entry] of Object.entries(score.kinds)) {
    if (entry.changed === 0) continue;
    console.log(cells(kindWidths, [kind, entry.changed, entry.faults, entry.found, pct(entry.found / entry.faults), pct(entry.foundInvalid / entry.faults)]));
  }
  console.log(cells(kindWidths, ['all', '', score.faults, score.found, pct(score.found / score.faults), '']));
  const checkWidths = [14, 8, 10, 10, 7, 10];
  console.log(`\n${cells(checkWidths, ['check', 'flagged', 'on faults', 'untouched', 'margin', 'precision'])}`);
  for (const [check, entry] of score.checks) {
    console.log(cells(checkWidths, [check, entry.flagged, entry.onFaults, entry.onUntouched, entry.onMargin, pct(entry.onFaults / (entry.onFaults + entry.onUntouched))]));
  }
  console.log(`(margin: readings the injector changed by less than the fault margin; they count neither way)`);
}

/** Each episode and the flags on the parameter inside it; returns how many (target 0). */
export function printEpisodes(episodes: readonly Episode[], original: readonly Observation[], flags: readonly QualityFlag[], parameter: string): number {
  let total = 0;
  for (const episode of episodes) {
    const inside = (ts: number) => ts >= episode.from && ts < episode.to;
    const readings = original.filter((o) => o.parameter === parameter && o.value !== null && inside(o.ts)).length;
    const flagged = flags.filter((flag) => flag.parameter === parameter && inside(flag.ts));
    total += flagged.length;
    const checks = flagged.length > 0 ? ` (${[...new Set(flagged.map((flag) => flag.check))].join(', ')})` : '';
    console.log(
      `  ${iso(episode.from)} to ${iso(episode.to)} UTC: peak ${episode.peak.value} at ${episode.peak.deviceId} ${iso(episode.peak.ts)}, ${episode.sensorsHigh} of ${episode.sensors} sensors high; ${readings} readings, flagged ${flagged.length}${checks}`,
    );
  }
  return total;
}

/** MAE on the faulty readings, per fault kind. */
export function printMae(mae: ReadonlyMap<string, { before: number; after: number; readings: number }>): void {
  const widths = [22, 10, 12, 26];
  console.log(`\n${cells(widths, ['MAE on faulty readings', 'readings', 'kept as is', 'invalid ones interpolated'])}`);
  for (const [group, entry] of mae) console.log(cells(widths, [group, entry.readings, entry.before.toFixed(1), entry.after.toFixed(1)]));
}

/** One line per seed, then the mean and the worst of each figure. */
export function printSeeds(summaries: readonly SeedSummary[]): void {
  const widths = [6, 9, 8, 10, 14, 14, 9, 14, 9];
  console.log(`\n${cells(widths, ['seed', 'injected', 'recall', 'precision', 'untouched', 'untouched all', 'episodes', 'MAE kept/QC', 'checks s'])}`);
  for (const s of summaries) {
    console.log(cells(widths, [s.seed, s.injected, pct(s.recall), pct(s.precision), pct(s.untouched, 2), pct(s.allUntouched, 2), s.episodeFlags, `${s.maeBefore.toFixed(0)}/${s.maeAfter.toFixed(1)}`, s.checkSeconds.toFixed(2)]));
  }
  if (summaries.length < 2) return;
  const mean = (pick: (s: SeedSummary) => number) => summaries.reduce((sum, s) => sum + pick(s), 0) / summaries.length;
  const worst = (pick: (s: SeedSummary) => number, lowIsBad: boolean) => summaries.map(pick).reduce((a, b) => (lowIsBad ? Math.min(a, b) : Math.max(a, b)));
  console.log(cells(widths, ['mean', '', pct(mean((s) => s.recall)), pct(mean((s) => s.precision)), pct(mean((s) => s.untouched), 2), pct(mean((s) => s.allUntouched), 2), '', '', mean((s) => s.checkSeconds).toFixed(2)]));
  console.log(cells(widths, ['worst', '', pct(worst((s) => s.recall, true)), pct(worst((s) => s.precision, true)), pct(worst((s) => s.untouched, false), 2), pct(worst((s) => s.allUntouched, false), 2), worst((s) => s.episodeFlags, false), '', '']));
}
