import { runIdForExecution, runIdFromJobName, tokenParameterName, transformJobName } from '../src';

const execution = 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:0b7c1f2e';

describe('run and job ids', () => {
  it('derives the same UUID run id from the same execution every time, and different ones for different executions', () => {
    const runId = runIdForExecution(execution);
    expect(runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(runIdForExecution(execution)).toBe(runId);
    expect(runIdForExecution(`${execution}x`)).not.toBe(runId);
  });

  it('names the job prefix + run id and reads the run id back only for jobs with the prefix', () => {
    const runId = runIdForExecution(execution);
    const job = transformJobName('airfill-dev-', runId);
    expect(job).toBe(`airfill-dev-${runId}`);
    expect(job.length).toBeLessThanOrEqual(63);
    expect(runIdFromJobName('airfill-dev-', job)).toBe(runId);
    expect(runIdFromJobName('airfill-prod-', job)).toBeUndefined();
    expect(runIdFromJobName('airfill-dev-', 'airfill-dev-not-a-uuid')).toBeUndefined();
  });

  it('refuses a job name longer than SageMaker allows', () => {
    expect(() => transformJobName('a-very-long-prefix-of-thirty-chars-', runIdForExecution(execution))).toThrow(/63/);
  });

  it('keeps the token under the SSM prefix with one slash', () => {
    expect(tokenParameterName('/airfill/dev/jobs', 'airfill-dev-x')).toBe('/airfill/dev/jobs/airfill-dev-x');
    expect(tokenParameterName('/airfill/dev/jobs/', 'airfill-dev-x')).toBe('/airfill/dev/jobs/airfill-dev-x');
  });
});
