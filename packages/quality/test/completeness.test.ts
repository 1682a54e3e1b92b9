import type { Observation } from '@airfill/features';
import { dailyCompleteness, type QualityFlag } from '../src';
import { DAY, HOUR, PM25, T0 } from './network';

/** Hourly readings of sensor a over `days` days; `missing(hour)` says which have no value. */
function hourly(days: number, missing: (hour: number) => boolean = () => false): Observation[] {
  return Array.from({ length: days * 24 }, (_, hour) => ({ deviceId: 'a', parameter: PM25, ts: T0 + hour * HOUR, value: missing(hour) ? null : 10 }));
}

describe('dailyCompleteness', () => {
  it('is valid readings over expected readings per channel and day, and meets the objective at 75 %', () => {
    // Day 0: 18 of 24 valid (the EEA's 75 %); day 1: 17 of 24.
    const observations = hourly(2, (hour) => (hour < 24 ? hour % 4 === 0 : hour % 4 === 0 || hour === 25));
    const rows = dailyCompleteness(observations);
    expect(rows).toEqual([
      { deviceId: 'a', parameter: PM25, day: '2024-01-01', valid: 18, expected: 24, capture: 0.75, meetsObjective: true },
      { deviceId: 'a', parameter: PM25, day: '2024-01-02', valid: 17, expected: 24, capture: 17 / 24, meetsObjective: false },
    ]);
  });

  it('does not count readings flagged invalid as valid, but keeps suspect ones', () => {
    const observations = hourly(1);
    const flags: QualityFlag[] = [
      ...[1, 2, 3, 4, 5, 6, 7].map((hour) => ({ deviceId: 'a', parameter: PM25, ts: T0 + hour * HOUR, check: 'stuck' as const, severity: 'invalid' as const, detail: '' })),
      { deviceId: 'a', parameter: PM25, ts: T0, check: 'drift', severity: 'suspect', detail: '' },
    ];
    expect(dailyCompleteness(observations, { flags })).toMatchObject([{ valid: 17, expected: 24, meetsObjective: false }]);
  });

  it('counts rows that never arrived as expected: a sensor that went silent shows days at 0', () => {
    const a = hourly(1);
    const b = Array.from({ length: 72 }, (_, hour) => ({ deviceId: 'b', parameter: PM25, ts: T0 + hour * HOUR, value: 5 }));
    const rows = dailyCompleteness([...a, ...b]).filter((row) => row.deviceId === 'a');
    expect(rows.map((row) => [row.day, row.valid, row.expected])).toEqual([
      ['2024-01-01', 24, 24],
      ['2024-01-02', 0, 24],
      ['2024-01-03', 0, 24],
    ]);
  });

  it("counts a channel from its first reading (it may not have existed before), to the window's end", () => {
    const observations = hourly(2).filter((o) => o.ts >= T0 + 12 * HOUR);
    const rows = dailyCompleteness(observations, { from: T0, to: T0 + 2 * DAY });
    expect(rows.map((row) => [row.day, row.valid, row.expected])).toEqual([
      ['2024-01-01', 12, 12],
      ['2024-01-02', 24, 24],
    ]);
  });

  it("uses each series' own cadence, or the one given", () => {
    const tenMinutes = Array.from({ length: 144 }, (_, at) => ({ deviceId: 'a', parameter: PM25, ts: T0 + at * 600_000, value: at < 100 ? 1 : null }));
    expect(dailyCompleteness(tenMinutes)).toMatchObject([{ valid: 100, expected: 144 }]);
    expect(dailyCompleteness(tenMinutes, { cadenceMs: HOUR })).toMatchObject([{ valid: 100, expected: 24, capture: 1 }]);
  });

  it('takes the cadence as the most common step of the latest 200 readings, so outages without rows do not stretch it', () => {
    // 40 hourly steps, then 30 steps of 3 hours and 30 of 5 (a device that writes nothing while offline): the median step is 3 hours.
    const hoursAt = [0];
    for (const [count, step] of [[40, 1], [30, 3], [30, 5]] as const) for (let i = 0; i < count; i += 1) hoursAt.push(hoursAt.at(-1)! + step);
    const observations = hoursAt.map((hour) => ({ deviceId: 'a', parameter: PM25, ts: T0 + hour * HOUR, value: 1 }));
    const rows = dailyCompleteness(observations, { from: T0, to: T0 + 2 * DAY });
    expect(rows.map((row) => row.expected)).toEqual([24, 24]);
  });

  it('starts days at midnight of the given offset from UTC', () => {
    const rows = dailyCompleteness(hourly(1), { utcOffsetMinutes: 480 });
    expect(rows.map((row) => [row.day, row.expected])).toEqual([
      ['2024-01-01', 16],
      ['2024-01-02', 8],
    ]);
  });
});
