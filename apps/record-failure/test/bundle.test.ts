import path from 'node:path';
import { buildBundle, closedPort, invokeBundle } from '@airfill/pipeline/testing';

const app = path.resolve(__dirname, '..');

const lambdaEnv = async () => ({
  AIRFILL_ENV: 'dev',
  AIRFILL_JOB_PREFIX: 'airfill-dev-',
  AIRFILL_SSM_PREFIX: '/airfill/dev/jobs',
  DB_HOST: '127.0.0.1',
  DB_PORT: String(await closedPort()),
  DB_NAME: 'airfill',
  DB_USER: 'airfill_app',
  AWS_REGION: 'eu-west-1',
});
const event = { executionId: 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:b1', parameter: 'PM 2.5', error: { Error: 'X', Cause: 'y' } };

describe('the record-failure bundle', () => {
  beforeAll(() => {
    buildBundle(app);
  }, 60_000);

  it('reports an unreachable database as a TransientError, by name, so the state machine retries it', async () => {
    const outcome = invokeBundle(app, event, { ...(await lambdaEnv()), AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
    expect(outcome).toEqual({ name: 'TransientError', message: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('reports a malformed event as an InputError, by name, so the state machine does not retry it', async () => {
    const outcome = invokeBundle(app, { executionId: '' }, await lambdaEnv());
    expect(outcome.name).toBe('InputError');
  });
});
