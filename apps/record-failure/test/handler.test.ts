import { createTestDatabase, mockAws, PARAMETER, type AwsMocks, type TestDatabase } from '@airfill/pipeline/testing';
import { runIdFor } from '@airfill/pipeline';
import { handler } from '../src/handler';


let database: TestDatabase;
let aws: AwsMocks;
const saved = { ...process.env };

beforeAll(async () => {
  database = await createTestDatabase();
  aws = mockAws();
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    AIRFILL_ENV: 'dev',
    AIRFILL_JOB_PREFIX: 'airfill-dev-',
    AIRFILL_SSM_PREFIX: '/airfill/dev/jobs',
    AWS_REGION: 'eu-west-1',
  });
});
afterAll(async () => {
  process.env = saved;
  aws.restore();
  await database.drop();
});

describe('record-failure handler', () => {
  it('records the caught error of the execution in the ledger', async () => {
    const executionId = 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:h1';
    const result = await handler({ executionId, parameter: PARAMETER, error: { Error: 'OutputValidationError', Cause: '1 missing ids (e.g. 4)' } });
    expect(result).toEqual({ runId: runIdFor(executionId, PARAMETER), parameter: PARAMETER, error: 'OutputValidationError', stoppedJob: false });
    const { rows } = await database.pool.query('select status, error from runs where run_id = $1', [result.runId]);
    expect(rows).toEqual([{ status: 'failed', error: { name: 'OutputValidationError', message: '1 missing ids (e.g. 4)', executionId } }]);
  });

  it('names a malformed event an InputError, so the state machine does not retry it', async () => {
    await expect(handler({ error: {} } as never)).rejects.toMatchObject({ name: 'InputError' });
  });
});
