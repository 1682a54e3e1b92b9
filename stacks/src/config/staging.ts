import { type EnvironmentConfigInput } from './schema';
import { isolatedSubnets, REGION, STATE_BUCKET, stateKey, XGBOOST_IMAGE_URI } from './shared';

/** Staging: production's shape at smaller sizes, on the daily schedule, so a release is exercised before prod. */
export const staging: EnvironmentConfigInput = {
  name: 'staging',
  // Placeholder account: set the real one before the first deploy (see stacks/README.md).
  accountId: '222222222222',
  region: REGION,
  backend: { bucket: STATE_BUCKET, key: stateKey('staging'), region: REGION },
  network: { vpcCidr: '10.20.0.0/16', subnets: isolatedSubnets(20) },
  database: {
    engineVersion: '16.6',
    instanceClass: 'db.serverless',
    serverless: { minCapacity: 0.5, maxCapacity: 4 },
    readers: 0,
    backupRetentionDays: 14,
    deletionProtection: false,
    finalSnapshot: true,
    performanceInsightsRetentionDays: 7,
  },
  storage: {
    intermediateExpirationDays: 14,
    noncurrentVersionExpirationDays: 30,
    accessLogging: { enabled: false },
  },
  model: { source: 'xgboost-artifact', imageUri: XGBOOST_IMAGE_URI },
  transform: { instanceType: 'ml.m5.large', instanceCount: 1, maxPayloadMb: 6, timeoutSeconds: 3600 },
  pipeline: { maxReadingsPerRun: 200_000 },
  functions: { memoryMb: 1536, timeoutSeconds: 600, logRetentionDays: 30, databaseConcurrency: 2 },
  schedule: { enabled: true, expression: 'rate(24 hours)' },
  monitoring: { alarmEmails: [] },
};
