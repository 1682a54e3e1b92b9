import { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
import { loadModelFromSet, type LoadedModel } from '@airfill/model';
import type { QueryMissingResult, StartTransformEvent } from '@airfill/schema';
import { queryMissing, silentLogger, transformModelFrom, type Bucket, type Logger, type QueryMissingSettings, type StartTransformSettings } from '../../src';
import { mockAws, type AwsMocks } from './aws-mocks';
import { startLocalS3, type LocalS3 } from '../../src/local-s3';
import { PARAMETER, seedReadings } from './seed';

export const JOB_PREFIX = 'airfill-test-';
export const SSM_PREFIX = '/airfill/dev/jobs';

/** Everything a pipeline test needs: real PostgreSQL and S3, the default model, mocked control planes. */
export interface Fixture {
  database: TestDatabase;
  local: LocalS3;
  model: LoadedModel;
  aws: AwsMocks;
  close(): Promise<void>;
}

export async function openFixture(): Promise<Fixture> {
  const [database, local, model] = await Promise.all([createTestDatabase(), startLocalS3(), loadModelFromSet(PARAMETER).then((found) => found!)]);
  await seedReadings(database);
  const aws = mockAws();
  return {
    database,
    local,
    model,
    aws,
    async close() {
      aws.restore();
      await Promise.all([database.drop(), local.stop()]);
    },
  };
}

export const executionArn = (name: string) => `arn:aws:states:eu-west-1:123456789012:execution:airfill-test:${name}`;

/** The SageMaker model name the tests' PM 2.5 transforms run. */
export const MODEL_NAME = 'airfill-test-model';

/** Settings of start-transform as the Lambda environment would give them: the default PM 2.5 model, no other. */
export function transformSettings(fixture: Fixture): StartTransformSettings {
  const { model } = fixture;
  return {
    jobPrefix: JOB_PREFIX,
    instanceType: 'ml.m5.large',
    instanceCount: 1,
    maxPayloadMb: 6,
    modelOf: async (parameter) =>
      parameter === PARAMETER ? transformModelFrom(MODEL_NAME, model) : undefined,
  };
}

/** Settings of query-missing: the default PM 2.5 model's contract, no other model; no live check unless asked for, so a test's rows are its claims. */
export function querySettings(fixture: Fixture, maxReadings = 100, livePoints = 0): QueryMissingSettings {
  return { maxReadings, livePoints, contractOf: async (parameter) => (parameter === PARAMETER ? fixture.model.contract : undefined) };
}

/** Dependencies of the S3/SSM/SFN/SageMaker steps. */
export function awsDeps(fixture: Fixture, bucket: Bucket, logger: Logger = silentLogger) {
  return {
    bucket,
    tokens: { ssm: fixture.aws.clients.ssm, prefix: SSM_PREFIX },
    sfn: fixture.aws.clients.sfn,
    sagemaker: fixture.aws.clients.sagemaker,
    logger,
  };
}

/** Runs query-missing for a new execution and returns what start-transform receives. */
export async function queriedRun(
  fixture: Fixture,
  name: string,
  options: { maxReadings?: number; livePoints?: number; input?: Record<string, string> } = {},
): Promise<{ bucket: Bucket; executionId: string; run: QueryMissingResult; startEvent: (token: string) => StartTransformEvent }> {
  const bucket = await fixture.local.bucket();
  const executionId = executionArn(name);
  const run = await queryMissing(
    { database: fixture.database, bucket, logger: silentLogger },
    querySettings(fixture, options.maxReadings, options.livePoints),
    { executionId, parameter: PARAMETER, input: options.input ?? {} },
  );
  return { bucket, executionId, run, startEvent: (taskToken: string) => ({ executionId, run, taskToken }) };
}

/**
 * Gives a test file one fixture: opened before its tests, closed after them;
 * between tests the named tables are emptied and the AWS mocks' histories reset.
 * `take` receives the fixture once it is open.
 */
export function useFixture(take: (fixture: Fixture) => void, clearTables: readonly string[] = ['claims']): void {
  let fixture: Fixture | undefined;
  beforeAll(async () => {
    fixture = await openFixture();
    take(fixture);
  });
  afterAll(() => fixture?.close());
  afterEach(async () => {
    if (!fixture) return;
    for (const table of clearTables) await fixture.database.pool.query(`delete from ${table}`);
    fixture.aws.sagemaker.resetHistory();
    fixture.aws.sfn.resetHistory();
    fixture.aws.ssm.resetHistory();
  });
}
