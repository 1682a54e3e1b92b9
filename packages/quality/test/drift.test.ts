import { runQualityChecks } from '../src';
import { DAY, HOUR, network, PM25, SITES, T0 } from './network';

const DAYS = 60;
const HOURS = DAYS * 24;

/** Multiplies (or shifts) one sensor's values from day `from` to day `to`. */
const drift = (from: number, to: number, change: (value: number) => number) => (values: number[]) => {
  for (let hour = from * 24; hour < to * 24; hour += 1) values[hour] = Math.round(change(values[hour] as number) * 10) / 10;
};

/** [first, last] day (from T0) covered by drift flags on a sensor. */
function driftDays(flags: ReadonlyArray<{ deviceId: string; check: string; ts: number; parameter: string }>, deviceId: string, parameter = PM25): number[] {
  const days = flags.filter((flag) => flag.check === 'drift' && flag.deviceId === deviceId && flag.parameter === parameter).map((flag) => Math.floor((flag.ts - T0) / DAY));
  return days.length === 0 ? [] : [Math.min(...days), Math.max(...days)];
}

describe('drift', () => {
  it("flags, as suspect, the days a sensor's gain doubled against its neighbours", () => {
    const observations = network({ hours: HOURS, edit: { a: drift(20, 32, (value) => value * 2) } });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    const found = flags.filter((flag) => flag.check === 'drift');
    expect(found.length).toBeGreaterThanOrEqual(11 * 24);
    expect(found.every((flag) => flag.deviceId === 'a' && flag.severity === 'suspect')).toBe(true);
    const [first, last] = driftDays(flags, 'a');
    expect(first).toBeGreaterThanOrEqual(19);
    expect(first).toBeLessThanOrEqual(20);
    expect(last).toBeGreaterThanOrEqual(31);
    expect(last).toBeLessThanOrEqual(32);
    expect(found[0]?.detail).toMatch(/^from 2024-01-\d\dT\d\d:00Z to 2024-02-\d\dT\d\d:00Z its ratio to the neighbours' median reached [12]\.\d+x, against [01](\.\d+)?x usually$/);
  });

  it('flags a sensor reading half of what it should for days', () => {
    const observations = network({ hours: HOURS, edit: { c: drift(35, 45, (value) => value * 0.45) } });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    const [first, last] = driftDays(flags, 'c');
    expect(first).toBeGreaterThanOrEqual(34);
    expect(first).toBeLessThanOrEqual(35);
    expect(last).toBeGreaterThanOrEqual(44);
    expect(last).toBeLessThanOrEqual(45);
    expect(flags.filter((flag) => flag.check === 'drift' && flag.deviceId !== 'c')).toEqual([]);
  });

  it('leaves a sensor that always reads higher than its neighbours (a busy street) alone', () => {
    const observations = network({ hours: HOURS, factors: { a: 1.7 } });
    expect(runQualityChecks({ sites: SITES, observations }).flags.filter((flag) => flag.check === 'drift')).toEqual([]);
  });

  it('leaves a regional change alone: every sensor doubles at once', () => {
    const everyone = Object.fromEntries(SITES.map((site) => [site.deviceId, drift(20, 32, (value) => value * 2)]));
    const observations = network({ hours: HOURS, edit: everyone });
    expect(runQualityChecks({ sites: SITES, observations }).flags.filter((flag) => flag.check === 'drift')).toEqual([]);
  });

  it('leaves a departure shorter than minDays alone', () => {
    const observations = network({ hours: HOURS, edit: { a: drift(20, 21.5, (value) => value * 2) } });
    expect(runQualityChecks({ sites: SITES, observations }).flags.filter((flag) => flag.check === 'drift')).toEqual([]);
  });

  it('flags an offset of a level (temperature) against its neighbours', () => {
    const observations = network({ hours: HOURS, parameter: 'Temperature', level: 15, edit: { b: drift(10, 22, (value) => value + 5) } });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    const [first, last] = driftDays(flags, 'b', 'Temperature');
    expect(first).toBeGreaterThanOrEqual(9);
    expect(last).toBeLessThanOrEqual(22);
    expect(flags.find((flag) => flag.check === 'drift')?.detail).toMatch(/its offset from the neighbours' median reached [4-6](\.\d+)?, against -?0(\.\d+)? usually/);
  });

  it('does not check ozone (its relation between sites is chemistry) unless configured', () => {
    const observations = network({ hours: HOURS, parameter: 'O3', edit: { a: drift(20, 32, (value) => value * 2) } });
    expect(runQualityChecks({ sites: SITES, observations }).flags.filter((flag) => flag.check === 'drift')).toEqual([]);
    const enabled = runQualityChecks({ sites: SITES, observations }, { parameters: { O3: { drift: true } } });
    expect(driftDays(enabled.flags, 'a', 'O3')).not.toEqual([]);
  });

  it('needs neighbours: a lone sensor is never drifting', () => {
    const observations = network({ hours: HOURS, edit: { a: drift(20, 32, (value) => value * 2) } }).filter((o) => o.deviceId === 'a');
    expect(runQualityChecks({ sites: [SITES[0]!], observations }).flags.filter((flag) => flag.check === 'drift')).toEqual([]);
  });

  it('covers the flagged days hour by hour, including hours after a gap', () => {
    const observations = network({ hours: HOURS, edit: { a: drift(20, 32, (value) => value * 2) } }).filter((o) => !(o.deviceId === 'a' && o.ts >= T0 + 25 * DAY && o.ts < T0 + 25 * DAY + 6 * HOUR));
    const hours = runQualityChecks({ sites: SITES, observations }).flags.filter((flag) => flag.check === 'drift').map((flag) => flag.ts);
    expect(new Set(hours).size).toBe(hours.length);
    expect(hours.some((ts) => ts === T0 + 25 * DAY + 6 * HOUR)).toBe(true);
  });
});
