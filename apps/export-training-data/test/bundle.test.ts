import path from 'node:path';
import { buildBundle, invokeBundle } from '@airfill/pipeline/testing';

const app = path.resolve(__dirname, '..');

const lambdaEnv = {
  AIRFILL_ENV: 'dev',
  AIRFILL_BUCKET: 'airfill-dev-data',
  AIRFILL_JOB_PREFIX: 'airfill-dev-train-',
  AIRFILL_TRAINING_PARAMETERS: 'PM 2.5',
  AIRFILL_TRAINING_WINDOW_DAYS: '365',
  DB_HOST: '127.0.0.1',
  DB_PORT: '1',
  DB_NAME: 'airfill',
  DB_USER: 'airfill_app',
  AWS_REGION: 'eu-west-1',
};

describe('the export-training-data bundle', () => {
  beforeAll(() => {
    buildBundle(app);
  }, 60_000);

  it('reports a malformed event as an InputError, by name, so the state machine does not retry it', () => {
    const outcome = invokeBundle(app, { executionId: '', input: { trigger: 'test', parameter: 'PM 2.5' } }, lambdaEnv);
    expect(outcome.name).toBe('InputError');
  });

  it('reports a missing environment variable as an InputError naming it', () => {
    const outcome = invokeBundle(app, { executionId: '', input: { trigger: 'test', parameter: 'PM 2.5' } }, { AWS_REGION: 'eu-west-1' });
    expect(outcome).toEqual({ name: 'InputError', message: expect.stringContaining('AIRFILL_ENV') });
  });
});
