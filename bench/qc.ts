/**
 * Benchmark: quality control on real data with injected faults. Reads a CSV
 * in the input contract (default: the bundled Beijing sample), finds its
 * real high-pollution episodes, writes stuck runs, spikes, a drifting
 * sensor, fault constants and out-of-range values into one parameter (never
 * inside an episode), runs every check, and prints recall per fault kind,
 * precision per check, the share of untouched readings flagged, whether any
 * episode was flagged, and how far the faulty values and a linear
 * interpolation over the invalid ones are from the truth. Several seeds
 * (different faults in the same data): details for the first, one line
 * each, the mean and the worst.
 *   pnpm bench:qc [file.csv[.gz]] [--parameter "PM 2.5"] [--seeds 5 | --seed 12] [--as-sensor-type SDS011]
 * Targets (mean over the seeds): recall and precision >= 95 % on faulty
 * readings, < 0.5 % of untouched readings flagged; on every seed: no
 * episode flagged, the interpolated values closer to the truth.
 *
 * Phase 2 (the first seed; `--no-fill` skips it): the faulty data goes
 * through `airfill run` (embedded PostgreSQL, the whole local pipeline,
 * quality-check first), and on the faulty readings it prints the MAE of the
 * values the run filled in against that of the faulty values (and of linear
 * interpolation), and how often the fill's interval holds the truth.
 * Target: the filled values closer to the truth than the faulty ones.
 * On a year of data (/work/shared/data/beijing/beijing_2015-05_2016-04.csv.gz
 * on the team's machines) the run takes minutes.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Observation } from '@airfill/features';
import { DEFAULT_PARAMETER_SETTINGS, parameterKey, runQualityChecks, type ChannelType } from '@airfill/quality';
import { verdict } from './lib/bench-database';
import { findEpisodes, networkQuantile, type Episode } from './lib/episodes';
import { injectFaults } from './lib/inject-faults';
import { fillFaults } from './lib/qc-fill';
import { maeOnFaults } from './lib/qc-mae';
import { pct, printEpisodes, printMae, printScore, printSeeds, type SeedSummary } from './lib/qc-report';
import { scoreFlags } from './lib/qc-score';
import { readChannelData, type ChannelData } from './lib/read-channels';

const TARGET = { recall: 0.95, precision: 0.95, untouched: 0.005 };
const HOUR = 3_600_000;

async function main(): Promise<void> {
  const { values: args, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      parameter: { type: 'string', default: 'PM 2.5' },
      seeds: { type: 'string', default: '5' },
      seed: { type: 'string' },
      'as-sensor-type': { type: 'string', default: 'SDS011' },
      'no-fill': { type: 'boolean', default: false },
    },
  });
  const csv = positionals[0] ?? path.join(__dirname, '..', 'samples', 'beijing', 'beijing_2015-06.csv.gz');
  const { parameter } = args;
  const seeds = args.seed !== undefined ? [Number(args.seed)] : Array.from({ length: Number(args.seeds) }, (_, at) => at + 1);
  if (seeds.some((seed) => !Number.isInteger(seed)) || seeds.length === 0) throw new Error('--seed takes an integer, --seeds a count of at least 1');

  const started = performance.now();
  const data = await readChannelData(csv);
  const days = Math.round(((data.observations.at(-1)?.ts ?? 0) - (data.observations[0]?.ts ?? 0)) / HOUR / 24);
  console.log(`${path.basename(csv)}: ${data.observations.length.toLocaleString('en-US')} readings, ${data.sites.length} sensors, ${days} days (read in ${seconds(started)} s${data.rejected ? `, ${data.rejected} rows rejected` : ''})`);

  // What "high" means here: the 98th percentile of the hourly medians across sensors.
  const threshold = networkQuantile(data.observations, parameter, 0.98);
  const episodes = findEpisodes(data.observations, parameter, threshold);
  console.log(`real episodes of ${parameter} (half of the sensors or more at >= ${threshold}, padded 6 h): ${episodes.length}; no fault is written inside them`);
  // The Beijing monitors are reference instruments; their PM channels stand in for SDS011s here so its fault constant applies.
  const asType = args['as-sensor-type'];
  const channels: ChannelType[] = data.channels.map((channel) =>
    asType && ['pm2.5', 'pm10'].includes(parameterKey(channel.parameter)) ? { ...channel, sensorType: asType } : channel,
  );

  const scale = DEFAULT_PARAMETER_SETTINGS[parameterKey(parameter)]?.scale ?? 10;
  const summaries = seeds.map((seed, at) => runSeed(data, channels, episodes, parameter, scale, seed, at === 0));
  printSeeds(summaries);
  const mean = (pick: (s: SeedSummary) => number) => summaries.reduce((sum, s) => sum + pick(s), 0) / summaries.length;
  const over = summaries.length > 1 ? `mean of ${summaries.length} seeds` : `seed ${seeds[0]}`;
  console.log('');
  let ok = verdict(`recall ${pct(mean((s) => s.recall))} (${over}; target >= ${pct(TARGET.recall, 0)})`, mean((s) => s.recall) >= TARGET.recall);
  ok = verdict(`precision ${pct(mean((s) => s.precision))} (${over}; target >= ${pct(TARGET.precision, 0)})`, mean((s) => s.precision) >= TARGET.precision) && ok;
  ok = verdict(`untouched ${parameter} readings flagged ${pct(mean((s) => s.untouched), 2)} (${over}; target < ${pct(TARGET.untouched, 1)})`, mean((s) => s.untouched) < TARGET.untouched) && ok;
  ok = verdict(`untouched readings of every parameter flagged ${pct(mean((s) => s.allUntouched), 2)} (${over}; target < ${pct(TARGET.untouched, 1)})`, mean((s) => s.allUntouched) < TARGET.untouched) && ok;
  const episodeFlags = Math.max(...summaries.map((s) => s.episodeFlags));
  ok = verdict(`real episodes flagged: at most ${episodeFlags} readings in ${episodes.length} episodes on any seed (target 0)`, episodeFlags === 0) && ok;
  const better = summaries.every((s) => s.maeAfter < s.maeBefore);
  ok = verdict(`interpolating the invalid values beats keeping them on every seed: MAE ${mean((s) => s.maeAfter).toFixed(1)} vs ${mean((s) => s.maeBefore).toFixed(1)} (${(mean((s) => s.maeBefore) / mean((s) => s.maeAfter)).toFixed(1)}x)`, better) && ok;
  if (!args['no-fill']) ok = (await fillPhase(data, channels, episodes, parameter, scale, seeds[0]!)) && ok;
  process.exitCode = ok ? 0 : 1;
}

/** Phase 2: the first seed's faulty data through `airfill run`; the filled values against the faulty ones and the truth. */
async function fillPhase(data: ChannelData, channels: ChannelType[], episodes: readonly Episode[], parameter: string, scale: number, seed: number): Promise<boolean> {
  console.log(`
phase 2, seed ${seed}: airfill run on the faulty data (load, quality-check, fill ${parameter})`);
  const { observations, injected } = injectFaults(data.observations, { parameter, seed, protect: episodes });
  const outcome = await fillFaults({ sites: data.sites, channels }, observations, injected, parameter, scale);
  console.log(`execution ${outcome.executionStatus} in ${outcome.runSeconds.toFixed(0)} s`);
  console.log(`faulty ${parameter} readings ${outcome.faults}: set aside ${outcome.setAside} (${pct(outcome.setAside / outcome.faults)}), filled ${outcome.filled} (${pct(outcome.filled / outcome.faults)})`);
  console.log(`on the ${outcome.filled} filled: MAE faulty ${outcome.maeFaulty.toFixed(1)}, filled ${outcome.maeFilled.toFixed(1)}, linear interpolation ${outcome.maeInterpolated.toFixed(1)}`);
  console.log(`interval coverage of the truth there: ${outcome.coverage === null ? 'no intervals (model without calibration)' : `${pct(outcome.coverage)} (nominal 90 %)`}`);
  console.log(`on every faulty reading, what a reader gets (readings_filled): MAE ${outcome.maeReaderAfter.toFixed(1)} vs ${outcome.maeReaderBefore.toFixed(1)} as injected`);
  return verdict(
    `filled values closer to the truth than the faulty ones: MAE ${outcome.maeFilled.toFixed(1)} vs ${outcome.maeFaulty.toFixed(1)} (${(outcome.maeFaulty / outcome.maeFilled).toFixed(1)}x)`,
    outcome.executionStatus === 'succeeded' && outcome.filled > 0 && outcome.maeFilled < outcome.maeFaulty,
  );
}

/** Injects one seed's faults, runs the checks, scores them; prints the details when asked. */
function runSeed(data: ChannelData, channels: ChannelType[], episodes: readonly Episode[], parameter: string, scale: number, seed: number, details: boolean): SeedSummary {
  const { observations, injected } = injectFaults(data.observations, { parameter, seed, protect: episodes });
  const started = performance.now();
  const result = runQualityChecks({ sites: data.sites, observations, channels });
  const checkSeconds = Number(seconds(started));
  const score = scoreFlags(observations, injected, result.flags, parameter, scale);
  const mae = maeOnFaults(observations, injected, result.flags, scale);
  if (details) {
    const observed = countObserved(data.observations, parameter);
    console.log(`\nseed ${seed}: ${injected.length.toLocaleString('en-US')} ${parameter} readings changed (${pct(injected.length / observed)} of ${observed.toLocaleString('en-US')} observed)`);
    const timings = Object.entries(result.timings).map(([check, ms]) => `${check} ${(ms / 1000).toFixed(2)}`).join(', ');
    console.log(`checks: ${result.flags.length.toLocaleString('en-US')} flags in ${checkSeconds.toFixed(2)} s, ${Math.round(observations.length / checkSeconds).toLocaleString('en-US')} readings/s (${timings})`);
    printScore(score);
    console.log(`\nepisodes (flags on ${parameter} inside each, target 0):`);
    printEpisodes(episodes, data.observations, result.flags, parameter);
    printMae(mae);
  }
  const episodeFlags = result.flags.filter((flag) => flag.parameter === parameter && episodes.some((e) => flag.ts >= e.from && flag.ts < e.to)).length;
  const all = mae.get('all');
  return {
    seed,
    injected: injected.length,
    recall: score.found / score.faults,
    precision: score.flagged.faults / (score.flagged.faults + score.flagged.untouched),
    untouched: score.flagged.untouched / score.untouched,
    allUntouched: score.allUntouchedFlagged / score.allUntouched,
    episodeFlags,
    maeBefore: all?.before ?? NaN,
    maeAfter: all?.after ?? NaN,
    checkSeconds,
  };
}

function countObserved(observations: readonly Observation[], parameter: string): number {
  return observations.filter((o) => o.parameter === parameter && o.value !== null).length;
}

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(2);

void main();
