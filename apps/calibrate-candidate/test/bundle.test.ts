import path from 'node:path';
import { buildBundle, invokeBundle } from '@airfill/pipeline/testing';

const app = path.resolve(__dirname, '..');

const lambdaEnv = {
  AIRFILL_ENV: 'dev',
  AIRFILL_BUCKET: 'airfill-dev-data',
  AWS_REGION: 'eu-west-1',
};

describe('the calibrate-candidate bundle', () => {
  beforeAll(() => {
    buildBundle(app);
  }, 60_000);

  it('reports a malformed event as an InputError, by name, so the state machine does not retry it', () => {
    const outcome = invokeBundle(app, { executionId: '', run: {} }, lambdaEnv);
    expect(outcome.name).toBe('InputError');
  });

  it('reports a missing environment variable as an InputError naming it', () => {
    const outcome = invokeBundle(app, { executionId: '', run: {} }, { AWS_REGION: 'eu-west-1' });
    expect(outcome).toEqual({ name: 'InputError', message: expect.stringContaining('AIRFILL_ENV') });
  });
});
