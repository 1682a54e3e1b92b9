import { makePlausibilityCheck, parameterKey, plausibilityConfigSchema } from '../src';

const reading = (value: number, overrides: Partial<{ deviceId: string; parameter: string; sensorType: string | null }> = {}) => ({
  deviceId: 'dev-1',
  parameter: 'PM 2.5',
  sensorType: 'SDS011',
  value,
  ...overrides,
});

describe('makePlausibilityCheck with the defaults', () => {
  const check = makePlausibilityCheck();

  it.each([-999, -0.1, 2000.5, 9999, 1e308])('flags PM 2.5 of %s invalid, saying why', (value) => {
    expect(check(reading(value))).toEqual({ kind: 'invalid', check: 'range', detail: `${value} is outside the plausible range of PM 2.5, 0 to 2000 (default)` });
  });

  it.each([0, 0.5, 2000, 999.9])('trusts PM 2.5 of %s', (value) => {
    expect(check(reading(value))).toEqual({ kind: 'ok' });
  });

  it('matches parameters whatever their spelling of case, space and underscore', () => {
    expect(['PM 2.5', 'pm2.5', 'PM_2.5', ' pm 2.5 '].map(parameterKey)).toEqual(['pm2.5', 'pm2.5', 'pm2.5', 'pm2.5']);
    expect(check(reading(-5, { parameter: 'pm_2.5' }))).toMatchObject({ kind: 'invalid' });
  });

  it('checks temperature and humidity against physical limits', () => {
    expect(check(reading(-89, { parameter: 'Temperature' }))).toEqual({ kind: 'ok' });
    expect(check(reading(-91, { parameter: 'Temperature' }))).toMatchObject({ kind: 'invalid' });
    expect(check(reading(100.5, { parameter: 'humidity' }))).toMatchObject({ kind: 'invalid' });
  });

  it('leaves a parameter without a range unchecked', () => {
    expect(check(reading(-1e9, { parameter: 'pressure' }))).toEqual({ kind: 'ok' });
  });
});

describe('makePlausibilityCheck with a configuration', () => {
  const check = makePlausibilityCheck({
    ranges: { 'PM 10': { min: 0, max: 900 }, pressure: { min: 800, max: 1100 } },
    sensorTypes: { SDS011: { ranges: { 'PM 2.5': { min: 0, max: 999.9 } }, sentinels: [9999] } },
    devices: { 'dev-17': { sentinels: [-999] } },
  });

  it('takes a sensor type range over the default, and says whose it is', () => {
    expect(check(reading(1000))).toMatchObject({ kind: 'invalid', detail: expect.stringMatching(/0 to 999\.9 \(sensor type SDS011\)/) });
    expect(check(reading(1000, { sensorType: 'PMS5003' }))).toEqual({ kind: 'ok' });
    expect(check(reading(1000, { sensorType: null }))).toEqual({ kind: 'ok' });
  });

  it('takes a configured parameter range over the default', () => {
    expect(check(reading(901, { parameter: 'PM 10' }))).toMatchObject({ kind: 'invalid', detail: expect.stringMatching(/\(configured\)/) });
    expect(check(reading(700, { parameter: 'pressure' }))).toMatchObject({ kind: 'invalid' });
  });

  it('reads a device sentinel and a sensor type sentinel as "no reading", only for that device or type', () => {
    expect(check(reading(-999, { deviceId: 'dev-17' }))).toEqual({ kind: 'sentinel', detail: '-999 means "no reading" for device dev-17' });
    expect(check(reading(-999))).toMatchObject({ kind: 'invalid' });
    expect(check(reading(9999))).toEqual({ kind: 'sentinel', detail: '9999 means "no reading" for sensor type SDS011' });
    expect(check(reading(9999, { sensorType: 'PMS5003' }))).toMatchObject({ kind: 'invalid' });
  });

  it('refuses a configuration with a range upside down or an unknown key', () => {
    expect(plausibilityConfigSchema.safeParse({ ranges: { x: { min: 5, max: 1 } } }).success).toBe(false);
    expect(plausibilityConfigSchema.safeParse({ range: {} }).success).toBe(false);
  });
});
