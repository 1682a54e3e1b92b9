import { groupObservations } from '@airfill/features';
import { findAlertEpisodes, parseQualityConfig, QUALITY_CHECKS, QualityConfigError, runQualityChecks } from '../src';
import { network, PM10, SITES } from './network';

describe('runQualityChecks', () => {
  const faulty = () => [
    ...network({
      hours: 24 * 30,
      edit: {
        a: (values) => ((values[40] = 400), values.fill(values[100] as number, 100, 112), (values[200] = -5)),
        b: (values) => values.fill(999.9, 300, 303),
        c: (values) => {
          for (let hour = 400; hour < 520; hour += 1) values[hour] = (values[hour] as number) * 2.2;
        },
      },
    }),
    ...network({ hours: 24 * 30, parameter: PM10, level: 80 }),
  ];
  const channels = SITES.map((site) => ({ deviceId: site.deviceId, parameter: 'PM 2.5', sensorType: 'SDS011' }));

  it('returns one flag per reading and check, sorted by device, parameter, time and check, from every check', () => {
    const { flags, timings } = runQualityChecks({ sites: SITES, observations: faulty(), channels });
    expect(new Set(flags.map((flag) => flag.check))).toEqual(new Set(QUALITY_CHECKS));
    const keys = flags.map((flag) => `${flag.deviceId}|${flag.parameter}|${flag.ts}|${flag.check}`);
    expect(new Set(keys).size).toBe(keys.length);
    const sorted = [...flags].sort((x, y) => x.deviceId.localeCompare(y.deviceId) || x.parameter.localeCompare(y.parameter) || x.ts - y.ts || QUALITY_CHECKS.indexOf(x.check) - QUALITY_CHECKS.indexOf(y.check));
    expect(flags).toEqual(sorted);
    expect(Object.keys(timings).sort()).toEqual([...QUALITY_CHECKS].sort());
  });

  it('is pure: the same input gives the same flags, and the input is not changed', () => {
    const observations = faulty();
    const copy = structuredClone(observations);
    const first = runQualityChecks({ sites: SITES, observations, channels });
    const second = runQualityChecks({ sites: SITES, observations, channels });
    expect(second.flags).toEqual(first.flags);
    expect(observations).toEqual(copy);
  });

  it('finds the same flags in series (as the database reads a window) as in one record per reading', () => {
    const observations = faulty();
    const byReading = runQualityChecks({ sites: SITES, observations, channels });
    expect(byReading.flags.length).toBeGreaterThan(10);
    const series = groupObservations(observations);
    expect(runQualityChecks({ sites: SITES, series, channels }).flags).toEqual(byReading.flags);
    // The episodes read the same either way.
    const window = { from: Math.min(...observations.map((o) => o.ts)), to: Math.max(...observations.map((o) => o.ts)) + 1 };
    const settings = parseQualityConfig({}).alerts;
    const episodes = findAlertEpisodes({ observations, flags: byReading.flags, window }, settings);
    expect(episodes.length).toBeGreaterThan(0);
    expect(findAlertEpisodes({ series, flags: byReading.flags, window }, settings)).toEqual(episodes);
  });

  it('skips missing readings and readings of sensors without a site', () => {
    const observations = network({ hours: 48 }).map((o, at) => (at % 7 === 0 ? { ...o, value: null } : o));
    observations.push({ deviceId: 'nowhere', parameter: 'PM 2.5', ts: observations[0]!.ts, value: -4 });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    expect(flags).toEqual([{ deviceId: 'nowhere', parameter: 'PM 2.5', ts: observations[0]!.ts, check: 'range', severity: 'invalid', detail: '-4 is outside the plausible range of PM 2.5, 0 to 2000 (default)' }]);
  });

  it('rejects settings that do not validate, naming each problem', () => {
    expect(() => runQualityChecks({ sites: SITES, observations: [] }, { spike: { minRatio: 0.5 }, drift: { unknown: 1 } } as never)).toThrow(QualityConfigError);
    try {
      parseQualityConfig({ spike: { minRatio: 0.5 }, parameters: { 'PM 2.5': { scale: -1 } } });
    } catch (error) {
      expect((error as QualityConfigError).context.issues).toEqual(['parameters.PM 2.5.scale: Too small: expected number to be >0', 'spike.minRatio: Too small: expected number to be >=1']);
    }
    expect.assertions(2);
  });

  it('fills every default', () => {
    const config = parseQualityConfig(undefined);
    expect(config.stuck.minHours).toBe(6);
    expect(config.spike.channelGroups).toEqual([['PM 1', 'PM 2.5', 'PM 10']]);
    expect(config.drift.baselineDays).toBe(90);
    expect(config.faultConstants.length).toBeGreaterThan(0);
  });
});
