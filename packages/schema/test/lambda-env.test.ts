import { ZodError } from 'zod';
import { parseLambdaEnv } from '../src';

const base = { AIRFILL_ENV: 'dev', AIRFILL_BUCKET: 'airfill-dev-data', AIRFILL_JOB_PREFIX: 'airfill-dev', AIRFILL_SSM_PREFIX: '/airfill/dev/jobs' };

describe('parseLambdaEnv', () => {
  it('parses AIRFILL_PLAUSIBILITY into the plausibility configuration, {} when unset', () => {
    const set = parseLambdaEnv('transformCallback', { ...base, AIRFILL_PLAUSIBILITY: JSON.stringify({ ranges: { NO2: { min: 0, max: 400 } } }) });
    expect(set.AIRFILL_PLAUSIBILITY.ranges).toEqual({ NO2: { min: 0, max: 400 } });
    const unset = parseLambdaEnv('transformCallback', base);
    expect(unset.AIRFILL_PLAUSIBILITY.ranges).toEqual({});
  });

  it('stops at start on an AIRFILL_PLAUSIBILITY that is not JSON or not a plausibility configuration, naming the variable', () => {
    for (const bad of ['{ranges:', JSON.stringify({ ranges: { NO2: { min: 5, max: 1 } } }), JSON.stringify({ colours: true })]) {
      let error: unknown;
      try {
        parseLambdaEnv('transformCallback', { ...base, AIRFILL_PLAUSIBILITY: bad });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ZodError);
      expect((error as ZodError).issues[0]?.path[0]).toBe('AIRFILL_PLAUSIBILITY');
    }
  });
});
