import { runQualityChecks } from '../src';
import { flaggedHours, network, PM10, PM25, SITES } from './network';

const HOURS = 72;

/** PM 2.5 and PM 10 (about twice PM 2.5) of the whole network. */
function pm(edit25: Record<string, (values: number[]) => void> = {}, edit10: Record<string, (values: number[]) => void> = {}) {
  return [...network({ hours: HOURS, edit: edit25 }), ...network({ hours: HOURS, parameter: PM10, level: 80, edit: edit10 })];
}

describe('spike', () => {
  it('flags one reading that neither the neighbours nor the larger fraction saw, as invalid', () => {
    const { flags } = runQualityChecks({ sites: SITES, observations: pm({ a: (values) => (values[40] = 400) }) });
    const spikes = flags.filter((flag) => flag.check === 'spike');
    expect(spikes).toHaveLength(1);
    expect(spikes[0]).toMatchObject({ deviceId: 'a', parameter: PM25, severity: 'invalid' });
    expect(spikes[0]?.detail).toMatch(/^400 between \d+ and \d+; seen by 0 of 4 neighbours, not by the device's larger fraction$/);
  });

  it('flags a single drop to near zero too', () => {
    const observations = network({ hours: HOURS, level: 120, edit: { a: (values) => (values[40] = 3) } });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    expect(flaggedHours(flags, 'spike', 'a')).toEqual([40]);
  });

  it('never flags a regional episode: every neighbour jumps within the hour', () => {
    // Fireworks: the whole network jumps for one hour, some stations an hour later.
    const burst = (hour: number) => (values: number[]) => (values[hour] = (values[hour] as number) * 8);
    const observations = pm({ a: burst(40), b: burst(40), c: burst(41), d: burst(40), e: burst(41) });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    expect(flags.filter((flag) => flag.check === 'spike')).toEqual([]);
    // The same burst at one sensor alone is a spike.
    const alone = runQualityChecks({ sites: SITES, observations: pm({ a: burst(40) }) });
    expect(flaggedHours(alone.flags, 'spike', 'a')).toEqual([40]);
  });

  it("leaves a PM 2.5 spike that the device's PM 10 shows too (a real local puff)", () => {
    const observations = pm({ a: (values) => (values[40] = 400) }, { a: (values) => (values[40] = 520) });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    expect(flags.filter((flag) => flag.check === 'spike')).toEqual([]);
  });

  it('flags a PM 10 spike that PM 2.5 does not show only if the neighbours did not see it either (coarse dust shows in PM 10 alone)', () => {
    const observations = pm({}, { a: (values) => (values[40] = 700) });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    expect(flaggedHours(flags, 'spike', 'a', PM10)).toEqual([40]);
    // Without neighbours, PM 2.5 cannot deny it: suspect.
    const alone = observations.filter((o) => o.deviceId === 'a');
    const result = runQualityChecks({ sites: [SITES[0]!], observations: alone });
    expect(result.flags.filter((flag) => flag.check === 'spike')).toMatchObject([{ parameter: PM10, severity: 'suspect' }]);
  });

  it('leaves a steep but sustained rise alone (the start of an episode, not a spike)', () => {
    const observations = network({ hours: HOURS, edit: { a: (values) => values.fill(300, 40) } });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    expect(flags.filter((flag) => flag.check === 'spike')).toEqual([]);
  });

  it('leaves clean air near zero alone: a step of a few units is no spike', () => {
    const observations = network({ hours: HOURS, level: 4, edit: { a: (values) => (values[40] = 15) } });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    expect(flags.filter((flag) => flag.check === 'spike')).toEqual([]);
  });

  it("does not judge a reading that has no adjacent reading on both sides (a sparse sensor's lone reading)", () => {
    // a reports hourly until hour 20, then a lone reading every 9 hours; the one at hour 38 is far off.
    const lone = new Set([29, 38, 47, 56]);
    const observations = network({ hours: HOURS, edit: { a: (values) => (values[38] = 500) } }).filter((o) => {
      const hour = (o.ts - Date.UTC(2024, 0, 1)) / 3_600_000;
      return o.deviceId !== 'a' || hour <= 20 || lone.has(hour);
    });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    expect(flags.filter((flag) => flag.check === 'spike')).toEqual([]);
  });

  it('flags an isolated spike of a sensor with no neighbour and no other channel as suspect only', () => {
    const observations = network({ hours: HOURS, edit: { a: (values) => (values[40] = 400) } }).filter((o) => o.deviceId === 'a');
    const { flags } = runQualityChecks({ sites: [SITES[0]!], observations });
    expect(flags.filter((flag) => flag.check === 'spike')).toMatchObject([{ deviceId: 'a', severity: 'suspect' }]);
  });

  it('is not confirmed by a neighbour whose own value at that hour is a fault constant', () => {
    // b's SDS011 writes 999.9 in the same hour: removed in the first pass, it is no witness.
    const observations = pm({ a: (values) => (values[40] = 400), b: (values) => (values[40] = 999.9) });
    const channels = SITES.map((site) => ({ deviceId: site.deviceId, parameter: PM25, sensorType: 'SDS011' }));
    const { flags } = runQualityChecks({ sites: SITES, observations, channels });
    expect(flags.filter((flag) => flag.check === 'fault_constant')).toMatchObject([{ deviceId: 'b' }]);
    expect(flaggedHours(flags, 'spike', 'a')).toEqual([40]);
  });
});
