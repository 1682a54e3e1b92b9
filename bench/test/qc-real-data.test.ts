import path from 'node:path';
import { parameterKey, runQualityChecks } from '@airfill/quality';
import { findEpisodes, networkQuantile } from '../lib/episodes';
import { injectFaults } from '../lib/inject-faults';
import { scoreFlags } from '../lib/qc-score';
import { readChannelData, type ChannelData } from '../lib/read-channels';

const SAMPLE = path.join(__dirname, '..', '..', 'samples', 'beijing', 'beijing_2015-06.csv.gz');
const PM25 = 'PM 2.5';

describe('quality control on the real Beijing sample (June 2015, 12 stations)', () => {
  let data: ChannelData;
  beforeAll(async () => {
    data = await readChannelData(SAMPLE);
  });

  it('flags under 0.5 % of the real readings and nothing in the real episodes', () => {
    const { flags } = runQualityChecks(data);
    const observed = data.observations.filter((o) => o.value !== null).length;
    const flagged = new Set(flags.map((flag) => `${flag.deviceId}|${flag.parameter}|${flag.ts}`)).size;
    expect(flagged / observed).toBeLessThan(0.005);
    const episodes = findEpisodes(data.observations, PM25, networkQuantile(data.observations, PM25, 0.98));
    expect(episodes.length).toBeGreaterThanOrEqual(2);
    expect(flags.filter((flag) => flag.parameter === PM25 && episodes.some((e) => flag.ts >= e.from && flag.ts < e.to))).toEqual([]);
  });

  it('finds at least 95 % of the injected faulty readings with at least 95 % precision (mean of 5 seeds)', () => {
    const episodes = findEpisodes(data.observations, PM25, networkQuantile(data.observations, PM25, 0.98));
    const channels = data.channels.map((channel) => (['pm2.5', 'pm10'].includes(parameterKey(channel.parameter)) ? { ...channel, sensorType: 'SDS011' } : channel));
    const scores = [1, 2, 3, 4, 5].map((seed) => {
      const { observations, injected } = injectFaults(data.observations, { parameter: PM25, seed, protect: episodes });
      const { flags } = runQualityChecks({ sites: data.sites, observations, channels });
      return scoreFlags(observations, injected, flags, PM25, 10);
    });
    const mean = (pick: (score: (typeof scores)[number]) => number) => scores.reduce((sum, score) => sum + pick(score), 0) / scores.length;
    expect(mean((score) => score.found / score.faults)).toBeGreaterThanOrEqual(0.95);
    expect(mean((score) => score.flagged.faults / (score.flagged.faults + score.flagged.untouched))).toBeGreaterThanOrEqual(0.95);
    expect(Math.max(...scores.map((score) => score.flagged.untouched / score.untouched))).toBeLessThan(0.005);
  });
});
