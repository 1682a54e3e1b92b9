/**
 * Test helpers for the apps' handler tests (`@airfill/pipeline/testing`):
 * a real local S3 (s3rver), mocked control planes with honest behaviour, a
 * seeded test database, and the local stand-in for the batch transform.
 * Never imported by a handler.
 */
export { startLocalS3, type LocalS3 } from './local-s3';
export { mockAws, type AwsMocks } from '../test/support/aws-mocks';
export { seedReadings, unfilled, countRows, PARAMETER } from '../test/support/seed';
export { runLocalTransform } from '../test/support/local-transform';
export { captureLogs } from '../test/support/logs';
export { createTestDatabase, type TestDatabase } from '@airfill/db/testing';
export { MIGRATIONS_FOLDER } from '@airfill/db';
export { DEFAULT_MODELS_DIR, loadModel, loadModelFromSet } from '@airfill/model';
import type { DeployedModels } from '@airfill/schema';

/**
 * Lambda environment for handler tests: the fixed variables with test values,
 * S3 through the local server, `AIRFILL_MODELS` as given (default: the PM 2.5
 * model as `airfill-dev-model` at `modelVersion`).
 */
export function lambdaTestEnv(options: { bucket: string; s3Endpoint?: string; databaseUrl?: string; modelVersion?: string; models?: DeployedModels }): Record<string, string> {
  const models = options.models ?? { 'PM 2.5': { name: 'airfill-dev-model', version: options.modelVersion ?? 'unset' } };
  return {
    AIRFILL_ENV: 'dev',
    AIRFILL_BUCKET: options.bucket,
    AIRFILL_JOB_PREFIX: 'airfill-dev-',
    AIRFILL_SSM_PREFIX: '/airfill/dev/jobs',
    AIRFILL_MODELS: JSON.stringify(models),
    AIRFILL_TRANSFORM_INSTANCE_TYPE: 'ml.m5.xlarge',
    AIRFILL_TRANSFORM_INSTANCE_COUNT: '2',
    AIRFILL_TRANSFORM_MAX_PAYLOAD_MB: '6',
    AIRFILL_TRANSFORM_MAX_CONCURRENT: '4',
    AIRFILL_MAX_READINGS_PER_RUN: '1000',
    AIRFILL_XGBOOST_IMAGE: '492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-xgboost:1.7-1',
    AIRFILL_SAGEMAKER_ROLE_ARN: 'arn:aws:iam::123456789012:role/airfill-dev-sagemaker',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    ...(options.s3Endpoint ? { AWS_ENDPOINT_URL_S3: options.s3Endpoint } : {}),
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
  };
}
export { buildBundle, closedPort, invokeBundle, describeBundleInputErrors } from '../test/support/bundle';
