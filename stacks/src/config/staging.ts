import { type EnvironmentConfigInput } from './schema';
import { GITHUB_REPOSITORY, isolatedSubnets, REGION, XGBOOST_IMAGE_URI } from './shared';

/** Staging: production's shape at smaller sizes, on the daily schedule, so a release is exercised before prod. */
export const staging: EnvironmentConfigInput = {
  name: 'staging',
  // Placeholder account of this environment alone: set the real one before bootstrapping (see stacks/README.md).
  accountId: '222222222222',
  region: REGION,
  production: false,
  ci: { githubRepository: GITHUB_REPOSITORY, planFromPullRequests: true },
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
  transform: { instanceType: 'ml.m5.large', instanceCount: 1, maxPayloadMb: 6, maxConcurrentTransforms: 2, timeoutSeconds: 3600 },
  pipeline: { maxReadingsPerRun: 200_000 },
  functions: { memoryMb: 1536, timeoutSeconds: 600, logRetentionDays: 30 },
  schedule: { enabled: true, expression: 'rate(24 hours)' },
  // Placeholder addresses: `pnpm --filter @airfill/stacks preflight` refuses them before a deploy.
  monitoring: { alarmEmails: ['airfill-alerts@example.com'] },
};
