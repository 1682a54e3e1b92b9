import { runQualityChecks } from '../src';
import { flaggedHours, HOUR, network, PM25, SITES, T0 } from './network';

const HOURS = 96;

describe('stuck', () => {
  it('flags the repeats of a value held for hours while the neighbours move, keeping the first (the last real reading)', () => {
    const observations = network({ hours: HOURS, edit: { a: (values) => values.fill(values[30] as number, 30, 42) } });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    const stuck = flags.filter((flag) => flag.check === 'stuck');
    expect(flaggedHours(flags, 'stuck', 'a')).toEqual(Array.from({ length: 11 }, (_, at) => 31 + at));
    expect(stuck).toHaveLength(11);
    expect(stuck.every((flag) => flag.severity === 'invalid' && /repeated 12 times over 12 h/.test(flag.detail))).toBe(true);
  });

  it('flags a frozen value far from calm neighbours', () => {
    // Calm air: every sensor flat at 20, sensor a frozen at 90.
    const observations = network({ hours: HOURS, level: 20, edit: Object.fromEntries(SITES.map((site) => [site.deviceId, (values: number[]) => values.fill(site.deviceId === 'a' ? 90 : 20, 20, 40)])) });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    expect(flaggedHours(flags, 'stuck', 'a')).toHaveLength(19);
    expect(flags.find((flag) => flag.check === 'stuck')?.detail).toMatch(/far from the neighbours' median of 20/);
  });

  it('leaves flat night-time values at the resolution alone when the neighbours are flat and near too', () => {
    // Clean night: a reads 4 for 8 hours while the others read 3 to 5.
    const observations = network({
      hours: HOURS,
      level: 5,
      edit: Object.fromEntries(SITES.map((site, at) => [site.deviceId, (values: number[]) => values.fill(site.deviceId === 'a' ? 4 : 3 + (at % 3), 20, 28)])),
    });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    expect(flags.filter((flag) => flag.check === 'stuck')).toEqual([]);
  });

  it("leaves a run at the sensor's own floor (clean air at its detection limit) while the neighbours stay low", () => {
    const observations = network({
      hours: HOURS,
      level: 12,
      edit: { a: (values) => values.splice(0, values.length, ...values.map((value, hour) => (hour >= 30 && hour < 45 ? 2 : Math.max(value, 3)))) },
    });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    expect(flaggedHours(flags, 'stuck', 'a')).toEqual([]);
    // Only the floor rule spares it.
    const withoutFloorRule = runQualityChecks({ sites: SITES, observations }, { stuck: { floorContrastScales: 0 } });
    expect(flaggedHours(withoutFloorRule.flags, 'stuck', 'a')).toHaveLength(14);
  });

  it('flags a run at the floor when the neighbours sit far above it', () => {
    const observations = network({ hours: HOURS, level: 120, edit: { a: (values) => values.fill(2, 30, 45) } });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    expect(flaggedHours(flags, 'stuck', 'a')).toHaveLength(14);
  });

  it('leaves runs shorter than minHours alone, and flags them when configured shorter', () => {
    // Four hours frozen far above the neighbours: stuck by every measure but length.
    const observations = network({ hours: HOURS, edit: { a: (values) => values.fill(150, 30, 34) } });
    expect(runQualityChecks({ sites: SITES, observations }).flags.filter((flag) => flag.check === 'stuck')).toEqual([]);
    const shorter = runQualityChecks({ sites: SITES, observations }, { stuck: { minHours: 4 } });
    expect(flaggedHours(shorter.flags, 'stuck', 'a')).toEqual([31, 32, 33]);
    expect(shorter.flags.filter((flag) => flag.check === 'stuck')).toHaveLength(3);
  });

  it("does not join a sparse sensor's readings across gaps into a run", () => {
    // Sensor a reports every 6 hours, the same value; the others hourly.
    const observations = network({ hours: HOURS }).filter((o) => o.deviceId !== 'a' || (o.ts - T0) % (6 * HOUR) === 0);
    for (const o of observations) if (o.deviceId === 'a') o.value = 25;
    const { flags } = runQualityChecks({ sites: SITES, observations });
    expect(flags.filter((flag) => flag.check === 'stuck')).toEqual([]);
  });

  it('flags a very long run without neighbours only as suspect', () => {
    const alone = [SITES[0]!];
    const observations = network({ hours: HOURS, edit: { a: (values) => values.fill(values[10] as number, 10, 40) } }).filter((o) => o.deviceId === 'a');
    const { flags } = runQualityChecks({ sites: alone, observations });
    const stuck = flags.filter((flag) => flag.check === 'stuck');
    expect(stuck).toHaveLength(29);
    expect(stuck.every((flag) => flag.severity === 'suspect' && /no neighbour to compare/.test(flag.detail))).toBe(true);
    // A 12-hour run alone is not enough.
    const short = network({ hours: HOURS, edit: { a: (values) => values.fill(values[10] as number, 10, 22) } }).filter((o) => o.deviceId === 'a');
    expect(runQualityChecks({ sites: alone, observations: short }).flags.filter((flag) => flag.check === 'stuck')).toEqual([]);
  });

  it('is switched off by configuration', () => {
    const observations = network({ hours: HOURS, edit: { a: (values) => values.fill(values[30] as number, 30, 42) } });
    expect(runQualityChecks({ sites: SITES, observations }, { stuck: { enabled: false } }).flags.filter((flag) => flag.parameter === PM25 && flag.check === 'stuck')).toEqual([]);
  });
});
