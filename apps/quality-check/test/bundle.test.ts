import path from 'node:path';
import { statSync } from 'node:fs';
import { buildBundle, closedPort, invokeBundle } from '@airfill/pipeline/testing';

const app = path.resolve(__dirname, '..');

const lambdaEnv = async () => ({
  AIRFILL_ENV: 'dev',
  AIRFILL_QUALITY_CONFIG: '{}',
  AIRFILL_PLAUSIBILITY: '{}',
  DB_HOST: '127.0.0.1',
  DB_PORT: String(await closedPort()),
  DB_NAME: 'airfill',
  DB_USER: 'airfill_app',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
});
const event = { executionId: 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:b1', input: { trigger: 'schedule' } };

describe('the quality-check bundle', () => {
  beforeAll(() => {
    buildBundle(app);
  }, 60_000);

  it('is one CommonJS file under 1 MB', () => {
    expect(statSync(path.join(app, 'dist/index.js')).size).toBeLessThan(1024 * 1024);
  });

  it('reports an unreachable database as a TransientError, by name, so the state machine retries it', async () => {
    expect(invokeBundle(app, event, await lambdaEnv())).toEqual({ name: 'TransientError', message: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('reports a malformed event or settings as an InputError, by name, so the state machine does not retry it', async () => {
    expect(invokeBundle(app, { executionId: '' }, await lambdaEnv()).name).toBe('InputError');
    const badJson = invokeBundle(app, event, { ...(await lambdaEnv()), AIRFILL_QUALITY_CONFIG: '{stuck:' });
    expect(badJson).toEqual({ name: 'InputError', message: expect.stringMatching(/AIRFILL_QUALITY_CONFIG is not JSON/) });
    const badSettings = invokeBundle(app, event, { ...(await lambdaEnv()), AIRFILL_QUALITY_CONFIG: '{"stuck":{"minHours":-1}}' });
    expect(badSettings).toEqual({ name: 'InputError', message: expect.stringMatching(/stuck\.minHours/) });
  });
});
