import { type EnvironmentConfigInput } from './schema';
import { GITHUB_REPOSITORY, isolatedSubnets, REGION, XGBOOST_IMAGE_URI } from './shared';

/** Production: a reader in a second zone, 35-day backups, deletion protection, access logs. */
export const prod: EnvironmentConfigInput = {
  name: 'prod',
  // Placeholder account of this environment alone: set the real one before bootstrapping (see stacks/README.md).
  accountId: '333333333333',
  region: REGION,
  production: true,
  ci: { githubRepository: GITHUB_REPOSITORY, planFromPullRequests: false },
  network: { vpcCidr: '10.30.0.0/16', subnets: isolatedSubnets(30) },
  database: {
    engineVersion: '16.6',
    instanceClass: 'db.r6g.large',
    readers: 1,
    backupRetentionDays: 35,
    deletionProtection: true,
    finalSnapshot: true,
    performanceInsightsRetentionDays: 93,
  },
  storage: {
    intermediateExpirationDays: 30,
    noncurrentVersionExpirationDays: 90,
    accessLogging: { enabled: true, retentionDays: 365 },
  },
  model: { source: 'xgboost-artifact', imageUri: XGBOOST_IMAGE_URI },
  transform: { instanceType: 'ml.m5.xlarge', instanceCount: 2, maxPayloadMb: 6, maxConcurrentTransforms: 4, timeoutSeconds: 7200 },
  pipeline: { maxReadingsPerRun: 1_000_000 },
  functions: { memoryMb: 2048, timeoutSeconds: 900, logRetentionDays: 90 },
  schedule: { enabled: true, expression: 'rate(24 hours)' },
  // Placeholder addresses: `pnpm --filter @airfill/stacks preflight` refuses them before a deploy.
  monitoring: { alarmEmails: ['airfill-oncall@example.com'] },
};
