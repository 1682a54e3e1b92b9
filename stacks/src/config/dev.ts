import { type EnvironmentConfigInput } from './schema';
import { GITHUB_REPOSITORY, isolatedSubnets, REGION, XGBOOST_IMAGE_URI } from './shared';

/** Development: smallest sizes, short retention, schedule off (runs are started by hand). */
export const dev: EnvironmentConfigInput = {
  name: 'dev',
  // Placeholder account of this environment alone: set the real one before bootstrapping (see stacks/README.md).
  accountId: '111111111111',
  region: REGION,
  production: false,
  ci: { githubRepository: GITHUB_REPOSITORY, planFromPullRequests: true },
  network: { vpcCidr: '10.10.0.0/16', subnets: isolatedSubnets(10) },
  database: {
    engineVersion: '16.6',
    instanceClass: 'db.serverless',
    serverless: { minCapacity: 0.5, maxCapacity: 2 },
    readers: 0,
    backupRetentionDays: 7,
    deletionProtection: false,
    finalSnapshot: false,
    performanceInsightsRetentionDays: 7,
  },
  storage: {
    intermediateExpirationDays: 7,
    noncurrentVersionExpirationDays: 7,
    accessLogging: { enabled: false },
  },
  model: { source: 'xgboost-artifact', imageUri: XGBOOST_IMAGE_URI },
  transform: { instanceType: 'ml.m5.large', instanceCount: 1, maxPayloadMb: 6, maxConcurrentTransforms: 2, timeoutSeconds: 3600 },
  // A drifting model raises its alarm in dev, but retraining stays a person's decision there.
  pipeline: { maxReadingsPerRun: 50_000, live: { drift: { retrain: false } } },
  functions: { memoryMb: 1024, timeoutSeconds: 300, logRetentionDays: 14 },
  schedule: { enabled: false },
  // Retraining is started by hand in dev (pnpm airfill retrain locally, or StartExecution).
  training: { schedule: { enabled: false } },
  // Placeholder address: `pnpm --filter @airfill/stacks preflight` refuses it before a deploy.
  monitoring: { alarmEmails: ['airfill-dev@example.com'] },
};
