import { planParameters } from '../src';
import { captureLogs } from './support/logs';
import { executionArn, useFixture, type Fixture } from './support/fixture';

let fixture: Fixture;
useFixture((opened) => (fixture = opened));

// The seed stores PM 2.5 and Temperature at three sensors.
const plan = (modelled: string[], input: Record<string, unknown> = {}) => {
  const { logger, lines } = captureLogs();
  return planParameters({ database: fixture.database, logger }, { modelled }, { executionId: executionArn('plan'), input: input as never }).then((result) => ({ result, lines }));
};

describe('planParameters', () => {
  it('plans every stored parameter a current model fills, and reports the stored ones without a model, by name', async () => {
    const { result, lines } = await plan(['PM 2.5', 'NO2']);
    expect(result).toEqual({ parameters: ['PM 2.5'], withoutModel: ['Temperature'], input: { trigger: 'schedule' } });
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'warn', message: expect.stringContaining('without a current model'), withoutModel: ['Temperature'] }),
        expect.objectContaining({ ParametersPlanned: 1, ParametersWithoutModel: 1 }),
      ]),
    );
  });

  it('plans every stored parameter when each has a model', async () => {
    const { result } = await plan(['Temperature', 'PM 2.5']);
    expect(result).toMatchObject({ parameters: ['PM 2.5', 'Temperature'], withoutModel: [] });
  });

  it('narrows to the parameters the input names, once each, and passes the execution input on to every run', async () => {
    // What earlier states put beside the execution input (quality-check's result) is not passed on.
    const input = { trigger: 'manual', parameters: ['Temperature', 'Temperature'], from: '2024-03-01T00:00:00Z', quality: { runId: 'q', alerts: [] } };
    const { result } = await plan(['PM 2.5'], input);
    expect(result).toEqual({ parameters: [], withoutModel: ['Temperature'], input: { trigger: 'manual', parameters: ['Temperature'], from: '2024-03-01T00:00:00Z' } });
    expect((await plan(['PM 2.5', 'Temperature'], { parameters: ['PM 2.5'] })).result).toMatchObject({ parameters: ['PM 2.5'], withoutModel: [] });
  });

  it('refuses a parameter the input names that is not stored, naming those that are, rather than filling nothing', async () => {
    await expect(plan(['PM 2.5'], { parameters: ['PM25'] })).rejects.toMatchObject({
      name: 'InputError',
      message: 'no readings of "PM25" are stored; the parameters stored are: "PM 2.5", "Temperature"',
    });
  });
});
