import { indexObservations } from '@airfill/features';
import { checkFaultConstants, checkRange, DEFAULT_FAULT_CONSTANTS, faultConstantsFor, runQualityChecks } from '../src';
import { HOUR, network, PM10, PM25, SITES, T0 } from './network';

function series(values: number[]) {
  const observations = values.map((value, hour) => ({ deviceId: 'a', parameter: PM25, ts: T0 + hour * HOUR, value }));
  return indexObservations(observations).get('a')!.get(PM25)!;
}

describe('range', () => {
  it('flags values outside the physical range as invalid, bounds included in the range', () => {
    const flags = checkRange(series([-0.5, 0, 12, 2000, 2000.1]), { range: { min: 0, max: 2000 }, source: 'default' }, PM25);
    expect(flags.map((flag) => flag.index)).toEqual([0, 4]);
    expect(flags).toHaveLength(2);
    expect(flags.every((flag) => flag.severity === 'invalid')).toBe(true);
    expect(flags[0]?.detail).toBe('-0.5 is outside the plausible range of PM 2.5, 0 to 2000 (default)');
  });

  it("applies the loader's plausibility ranges: the defaults by parameter name, configured ones and a sensor type's over them", () => {
    const observations = network({ hours: 24, edit: { a: (values) => ((values[5] = -3), (values[6] = 2500)), b: (values) => (values[7] = 1200) } });
    const { flags } = runQualityChecks({ sites: SITES, observations });
    expect(flags.filter((flag) => flag.check === 'range').map((flag) => [flag.deviceId, (flag.ts - T0) / HOUR])).toEqual([['a', 5], ['a', 6]]);
    const wider = runQualityChecks({ sites: SITES, observations, plausibility: { ranges: { 'pm2.5': { min: -5, max: 3000 } } } });
    expect(wider.flags.filter((flag) => flag.check === 'range')).toEqual([]);
    const channels = [{ deviceId: 'b', parameter: PM25, sensorType: 'SDS011' }];
    const byType = runQualityChecks({ sites: SITES, observations, channels, plausibility: { sensorTypes: { SDS011: { ranges: { 'PM 2.5': { min: 0, max: 999.9 } } } } } });
    expect(byType.flags.filter((flag) => flag.check === 'range' && flag.deviceId === 'b')).toMatchObject([
      { ts: T0 + 7 * HOUR, severity: 'invalid', detail: '1200 is outside the plausible range of PM 2.5, 0 to 999.9 (sensor type SDS011)' },
    ]);
  });

  it('does not range-check a parameter it knows nothing about', () => {
    const observations = network({ hours: 24, parameter: 'Noise', edit: { a: (values) => (values[5] = -1e6) } });
    expect(runQualityChecks({ sites: SITES, observations }).flags.filter((flag) => flag.check === 'range')).toEqual([]);
  });
});

describe('fault constants', () => {
  it("match the channel's sensor type case-insensitively and the parameter by name; * matches any", () => {
    expect(faultConstantsFor(DEFAULT_FAULT_CONSTANTS, 'sds011', 'pm2.5').map((constant) => constant.value)).toEqual([999.9, -999]);
    expect(faultConstantsFor(DEFAULT_FAULT_CONSTANTS, 'SDS011', PM10).map((constant) => constant.value)).toEqual([999.9, 1999.9, -999]);
    expect(faultConstantsFor(DEFAULT_FAULT_CONSTANTS, 'PMS5003', PM25).map((constant) => constant.value)).toEqual([-999]);
    expect(faultConstantsFor(DEFAULT_FAULT_CONSTANTS, null, 'Temperature').map((constant) => constant.value)).toEqual([-999]);
  });

  it('flags exactly the constant, not values near it', () => {
    const constants = faultConstantsFor(DEFAULT_FAULT_CONSTANTS, 'SDS011', PM25);
    const flags = checkFaultConstants(series([999.9, 999, 999.8, 12]), constants, 'SDS011');
    expect(flags).toEqual([{ index: 0, severity: 'invalid', detail: "999.9 is the SDS011's full-scale output (blocked inlet or failing fan) (sensor type SDS011)" }]);
  });

  it('flags an SDS011 writing 999.9 but not another sensor type reading 999.9', () => {
    const observations = network({ hours: 24, edit: { a: (values) => values.fill(999.9, 4, 8), b: (values) => (values[10] = 999.9) } });
    const channels = [
      { deviceId: 'a', parameter: PM25, sensorType: 'SDS011' },
      { deviceId: 'b', parameter: PM25, sensorType: 'BAM-1020' },
    ];
    const { flags } = runQualityChecks({ sites: SITES, observations, channels });
    const constants = flags.filter((flag) => flag.check === 'fault_constant');
    expect(constants.map((flag) => [flag.deviceId, (flag.ts - T0) / HOUR])).toEqual([['a', 4], ['a', 5], ['a', 6], ['a', 7]]);
  });

  it('takes configured rules in place of the defaults', () => {
    const observations = network({ hours: 24, edit: { a: (values) => (values[3] = 4095) } });
    const rules = [{ sensorTypes: ['*'], parameters: [PM25], values: [4095], reason: 'the ADC maximum' }];
    const { flags } = runQualityChecks({ sites: SITES, observations }, { faultConstants: rules });
    expect(flags.filter((flag) => flag.check === 'fault_constant')).toMatchObject([{ deviceId: 'a', detail: '4095 is the ADC maximum' }]);
  });
});
