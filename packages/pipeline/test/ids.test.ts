import { runIdFor, runIdFromJobName, tokenParameterName, transformJobName } from '../src';

const execution = 'arn:aws:states:eu-west-1:123456789012:execution:airfill-dev:0b7c1f2e';

describe('run and job ids', () => {
  it('derives the same UUID run id from the same execution and parameter every time, and different ones for another execution or parameter', () => {
    const runId = runIdFor(execution, 'PM 2.5');
    expect(runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(runIdFor(execution, 'PM 2.5')).toBe(runId);
    expect(runIdFor(`${execution}x`, 'PM 2.5')).not.toBe(runId);
    expect(runIdFor(execution, 'PM 10')).not.toBe(runId);
    expect(new Set(['PM 2.5', 'PM 10', 'NO2', 'O3', 'Temperature'].map((parameter) => runIdFor(execution, parameter))).size).toBe(5);
  });

  it('names the job prefix + run id and reads the run id back only for jobs with the prefix', () => {
    const runId = runIdFor(execution, 'PM 2.5');
    const job = transformJobName('airfill-dev-', runId);
    expect(job).toBe(`airfill-dev-${runId}`);
    expect(job.length).toBeLessThanOrEqual(63);
    expect(runIdFromJobName('airfill-dev-', job)).toBe(runId);
    expect(runIdFromJobName('airfill-prod-', job)).toBeUndefined();
    expect(runIdFromJobName('airfill-dev-', 'airfill-dev-not-a-uuid')).toBeUndefined();
  });

  it('refuses a job name longer than SageMaker allows', () => {
    expect(() => transformJobName('a-very-long-prefix-of-thirty-chars-', runIdFor(execution, 'PM 2.5'))).toThrow(/63/);
  });

  it('keeps the token under the SSM prefix with one slash', () => {
    expect(tokenParameterName('/airfill/dev/jobs', 'airfill-dev-x')).toBe('/airfill/dev/jobs/airfill-dev-x');
    expect(tokenParameterName('/airfill/dev/jobs/', 'airfill-dev-x')).toBe('/airfill/dev/jobs/airfill-dev-x');
  });
});
