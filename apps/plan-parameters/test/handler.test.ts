import { createTestDatabase, lambdaTestEnv, seedReadings, type TestDatabase } from '@airfill/pipeline/testing';
import { handler } from '../src/handler';

let database: TestDatabase;
const saved = { ...process.env };

beforeAll(async () => {
  database = await createTestDatabase();
  await seedReadings(database);
  // The seed stores PM 2.5 and Temperature; only PM 2.5 is deployed.
  Object.assign(process.env, lambdaTestEnv({ bucket: 'unused', databaseUrl: database.url, models: { 'PM 2.5': { name: 'airfill-dev-xgb-pm25', version: 'pm25-1' } } }));
});
afterAll(async () => {
  process.env = saved;
  await database.drop();
});

describe('plan-parameters handler', () => {
  it('plans the stored parameters AIRFILL_MODELS deploys a model for, and names the others as without a model', async () => {
    const result = await handler({ executionId: 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:p1', input: { trigger: 'schedule' } });
    expect(result).toEqual({ parameters: ['PM 2.5'], withoutModel: ['Temperature'], input: { trigger: 'schedule' } });
  });

  it('fails with an InputError when AIRFILL_MODELS is not the JSON it must be', async () => {
    const good = process.env.AIRFILL_MODELS;
    process.env.AIRFILL_MODELS = '{"PM 2.5":';
    try {
      // The environment is read once per container: a fresh module registry stands for a cold start.
      let cold!: { handler: typeof handler };
      jest.isolateModules(() => {
        cold = jest.requireActual<{ handler: typeof handler }>('../src/handler');
      });
      await expect(cold.handler({ executionId: 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:p2', input: {} })).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('AIRFILL_MODELS'),
      });
    } finally {
      process.env.AIRFILL_MODELS = good;
    }
  });
});
