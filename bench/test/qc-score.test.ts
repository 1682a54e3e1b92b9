import type { Observation } from '@airfill/features';
import type { QualityFlag } from '@airfill/quality';
import type { InjectedReading } from '../lib/inject-faults';
import { interpolateInvalid, maeOnFaults } from '../lib/qc-mae';
import { isFault, scoreFlags } from '../lib/qc-score';

const HOUR = 3_600_000;
const PM25 = 'PM 2.5';
const reading = (at: number, kind: InjectedReading['kind'], truth: number, injected: number): InjectedReading => ({ at, deviceId: 'a', parameter: PM25, ts: at * HOUR, kind, truth, injected });
const flag = (hour: number, severity: QualityFlag['severity'] = 'invalid', check: QualityFlag['check'] = 'spike'): QualityFlag => ({ deviceId: 'a', parameter: PM25, ts: hour * HOUR, check, severity, detail: '' });

describe('scoring quality flags against injected faults', () => {
  // Hours 0-9 of sensor a; 2 is a spike, 5 a stuck reading within the margin, 7 a fault constant.
  const observations: Observation[] = [10, 12, 300, 14, 15, 16, 17, 999.9, 19, 20].map((value, hour) => ({ deviceId: 'a', parameter: PM25, ts: hour * HOUR, value }));
  const injected = [reading(2, 'spike', 13, 300), reading(5, 'stuck', 14, 16), reading(7, 'fault_constant', 18, 999.9)];

  it('calls a change a fault when it exceeds the scale and a quarter of the truth', () => {
    expect(isFault(reading(0, 'stuck', 100, 126), 10)).toBe(true);
    expect(isFault(reading(0, 'stuck', 100, 124), 10)).toBe(false);
    expect(isFault(reading(0, 'stuck', 8, 17), 10)).toBe(false);
  });

  it('counts recall per kind and precision per check, reading by reading', () => {
    const flags = [flag(2), flag(2, 'suspect', 'drift'), flag(5, 'invalid', 'stuck'), flag(9)];
    const score = scoreFlags(observations, injected, flags, PM25, 10);
    expect(score.faults).toBe(2);
    expect(score.found).toBe(1);
    expect(score.kinds.spike).toEqual({ changed: 1, faults: 1, found: 1, foundInvalid: 1 });
    expect(score.kinds.fault_constant).toEqual({ changed: 1, faults: 1, found: 0, foundInvalid: 0 });
    expect(score.flagged).toEqual({ faults: 1, untouched: 1, margin: 1 });
    expect(score.checks.get('spike')).toEqual({ flagged: 2, onFaults: 1, onUntouched: 1, onMargin: 0 });
    expect(score.untouched).toBe(7);
    expect(score.allUntouchedFlagged).toBe(1);
  });

  it('interpolates readings flagged invalid between the nearest valid ones, and keeps suspect ones', () => {
    const filled = interpolateInvalid(observations, [flag(2), flag(7), flag(8, 'suspect')]);
    expect([...filled.entries()]).toEqual([
      [2, 13],
      [7, 18],
    ]);
    const mae = maeOnFaults(observations, injected, [flag(2), flag(7)], 10);
    expect(mae.get('spike')).toEqual({ before: 287, after: 0, readings: 1 });
    expect(mae.get('fault_constant')?.before).toBeCloseTo(981.9, 9);
    expect(mae.get('fault_constant')?.after).toBe(0);
    expect(mae.get('all')?.readings).toBe(2);
  });
});
