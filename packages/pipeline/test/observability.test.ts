import { DatabaseInputError, DatabaseUnavailableError } from '@airfill/db';
import { z } from 'zod';
import { classifyError, createLogger, InputError, runStep, TransientError } from '../src';
import { captureLogs } from './support/logs';

describe('createLogger', () => {
  it('writes one JSON line per entry with the bound fields, and errors with their name, message and context', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', write: (line) => lines.push(line), fields: { lambda: 'x' } }).child({ runId: 'r1' });
    logger.debug('dropped below the level');
    logger.warn('careful', { error: new InputError('bad key', { key: 'k' }) });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      time: expect.any(String),
      level: 'warn',
      message: 'careful',
      lambda: 'x',
      runId: 'r1',
      error: { name: 'InputError', message: 'bad key', context: { key: 'k' } },
    });
  });
});

describe('logger.metrics', () => {
  it('writes CloudWatch embedded metric format with the step as dimension and the run id as property', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (line) => lines.push(line) }).child({ runId: 'r9', step: 'write-predictions' });
    logger.metrics({ ReadingsWritten: 12, Duration: { value: 40, unit: 'Milliseconds' } });
    expect(JSON.parse(lines[0]!)).toEqual({
      runId: 'r9',
      step: 'write-predictions',
      Step: 'write-predictions',
      ReadingsWritten: 12,
      Duration: 40,
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: 'airfill',
            Dimensions: [['Step']],
            Metrics: [
              { Name: 'ReadingsWritten', Unit: 'Count' },
              { Name: 'Duration', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
    });
  });
});

describe('classifyError', () => {
  it('keeps the names the state machine already knows', () => {
    const own = new TransientError('x');
    expect(classifyError(own)).toBe(own);
    expect((classifyError(new DatabaseUnavailableError('down')) as Error).name).toBe('DatabaseUnavailableError');
    expect((classifyError(new DatabaseInputError('no')) as Error).name).toBe('DatabaseInputError');
  });

  it('turns dropped connections, failovers and throttling into TransientError', () => {
    expect(classifyError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBeInstanceOf(TransientError);
    expect(classifyError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBeInstanceOf(TransientError);
    expect(classifyError(new Error('Connection terminated unexpectedly'))).toBeInstanceOf(TransientError);
    // drizzle's "Failed query" wrapper around a refused connection
    const wrapped = new Error('Failed query: insert into "runs" ...', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(classifyError(wrapped)).toMatchObject({ name: 'TransientError', message: expect.stringContaining('ECONNREFUSED') });
    expect(classifyError(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }))).toBeInstanceOf(TransientError);
  });

  it('turns a zod failure into InputError and leaves other errors alone', () => {
    const parsed = z.object({ a: z.string() }).safeParse({});
    expect(classifyError(parsed.error)).toBeInstanceOf(InputError);
    const other = new TypeError('bug');
    expect(classifyError(other)).toBe(other);
  });
});

describe('runStep', () => {
  it('logs the step and rethrows the classified error', async () => {
    const { logger, lines } = captureLogs();
    await expect(runStep(logger, 'demo', async () => Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' })))).rejects.toBeInstanceOf(TransientError);
    expect(lines.find((line) => line.message === 'step failed')).toMatchObject({ level: 'error', step: 'demo', error: { name: 'TransientError' } });
    expect(await runStep(logger, 'demo', async () => 42)).toBe(42);
    expect(lines.find((line) => line.message === 'step finished')).toMatchObject({ level: 'info', step: 'demo', ms: expect.any(Number) });
    const metrics = lines.filter((line) => '_aws' in line);
    expect(metrics.map((line) => [line.Step, line.Failures])).toEqual([
      ['demo', 1],
      ['demo', 0],
    ]);
  });
});
