/**
 * The security scan. No maintained IaC scanner installs from npm or Debian
 * (checkov is on PyPI; trivy, tfsec, kics and terrascan are Go binaries from
 * GitHub releases), so the rules a scanner applies run here over every
 * synthesized stack (support/scan-rules.ts, with the checkov id each mirrors).
 * Every finding must be suppressed below with its reason, and every
 * suppression must still match something.
 */
import { SCAN_RULES, type ScanFinding } from './support/scan-rules';
import { synthesizeAll, type Synthesized } from './support/synth';

interface Suppression {
  rule: string;
  /** Matches `<stack> <resource>`. */
  where: RegExp;
  reason: string;
}

const SUPPRESSIONS: Suppression[] = [
  {
    rule: 'CKV_AWS_145',
    where: /^airfill-prod aws_s3_bucket\.storage_access-logs_bucket/,
    reason: 'S3 delivers server access logs only to SSE-S3 buckets; the log bucket is SSE-S3 by necessity',
  },
  {
    rule: 'CKV_AWS_145',
    where: /aws_s3_bucket\.read-api_dashboard_files_bucket/,
    reason: "the dashboard's static files are what every viewer of the page gets; SSE-S3 lets CloudFront's origin access control read them without a KMS key grant to CloudFront",
  },
  {
    rule: 'CKV_AWS_18',
    where: /aws_s3_bucket\.read-api_dashboard_files_bucket/,
    reason: 'only CloudFront reads the dashboard bucket, and only the deploy writes it (CloudTrail records that); requests of viewers are a matter of CloudFront, not S3, logs',
  },
  {
    rule: 'CKV_AWS_18',
    where: /^airfill-(dev|staging) aws_s3_bucket\.storage_data_bucket|^airfill-prod aws_s3_bucket\.storage_access-logs_bucket|^airfill-[a-z]+-bootstrap aws_s3_bucket\.state_bucket/,
    reason: 'access logs are on for prod data (config); the log bucket cannot log into itself; state is read only by the two CI roles, whose calls CloudTrail records; dev and staging hold copies of public sensor data',
  },
  {
    rule: 'CKV_AWS_338',
    where: /aws_cloudwatch_log_group/,
    reason: 'retention is set per environment (functions.logRetentionDays 14/30/90, flow logs 30): operational logs, no audit records; CloudTrail is the audit trail',
  },
  {
    rule: 'CKV_AWS_116',
    where:
      /aws_lambda_function\.(functions_(migrate|quality-check|plan-parameters|query-missing|start-transform|write-predictions|record-failure)|training-functions_(export-training-data|calibrate-candidate|evaluate-candidate|register-model|record-training-failure)|model-promotion_promote-model|read-api)_function/,
    reason: 'invoked synchronously (Step Functions with Retry/Catch, API Gateway, the deploy workflow, or a person with aws lambda invoke), so failures surface to the caller; only the asynchronously invoked transform-callback has a dead-letter queue',
  },
  {
    rule: 'CKV_AWS_115',
    where: /aws_lambda_function/,
    reason: 'reserved concurrency only where configured (functions.reservedConcurrency): a new account quota of 10 cannot hold it (finding 7)',
  },
  {
    rule: 'CKV_AWS_173',
    where: /aws_lambda_function/,
    reason: 'the variables hold names, endpoints and settings, no secret (the master secret is read from Secrets Manager by ARN); Lambda encrypts them at rest with its own key',
  },
  {
    rule: 'CKV_AWS_272',
    where: /aws_lambda_function/,
    reason: 'bundles are built from the locked workspace in CI and uploaded by the same plan; no signing profile exists to verify against',
  },
  {
    rule: 'CKV_AWS_139',
    where: /^airfill-(dev|staging) /,
    reason: 'non-production environments may be destroyed and rebuilt (config: deletionProtection false); production requires it (schema)',
  },
  {
    rule: 'CKV_AWS_226',
    where: /aws_rds_cluster_instance/,
    reason: 'off on purpose: the engine is pinned exactly and upgraded by a reviewed config change, so AWS never moves it under Terraform (finding 7)',
  },
  {
    rule: 'CKV_AWS_123',
    where: /aws_vpc_endpoint/,
    reason: 'each Lambda role names its resources exactly and the endpoint security group admits only the Lambdas; an endpoint policy would repeat the role policies',
  },
  {
    rule: 'AIRFILL_BOUNDARY',
    where: /^airfill-[a-z]+-bootstrap aws_iam_role\.(deploy|plan)_role/,
    reason: 'the CI roles are created by the administrator; their own policy is their ceiling and they cannot change themselves (NeverTheCiRoles)',
  },
];

let synthesized: Synthesized;
let findings: ScanFinding[];
beforeAll(() => {
  synthesized = synthesizeAll();
  findings = Object.entries(synthesized.stacks).flatMap(([stack, json]) =>
    SCAN_RULES.flatMap((rule) => rule.offenders(json).map((resource) => ({ rule: rule.id, stack, resource }))),
  );
});
const suppressionOf = (finding: ScanFinding) => SUPPRESSIONS.find((s) => s.rule === finding.rule && s.where.test(`${finding.stack} ${finding.resource}`));

describe('security scan of every synthesized stack', () => {
  it('scans all six stacks with every rule', () => {
    expect(Object.keys(synthesized.stacks).sort()).toEqual(['dev', 'prod', 'staging'].flatMap((e) => [`airfill-${e}`, `airfill-${e}-bootstrap`]).sort());
    expect(new Set(SCAN_RULES.map((r) => r.id)).size).toBe(SCAN_RULES.length);
  });

  it('finds nothing that is not suppressed with a reason', () => {
    const open = findings.filter((finding) => !suppressionOf(finding)).map((f) => `${f.rule} ${f.stack} ${f.resource} (${SCAN_RULES.find((r) => r.id === f.rule)!.title})`);
    expect(open).toEqual([]);
  });

  it.each(SUPPRESSIONS.map((s) => [s.rule, s] as const))('keeps suppression %s only while it matches a finding', (_rule, suppression) => {
    expect(suppression.reason.length).toBeGreaterThan(40);
    expect(findings.some((finding) => suppressionOf(finding) === suppression)).toBe(true);
  });

  it('catches a misconfiguration (so the scan can fail): an unencrypted, untraced copy of a stack', () => {
    const broken = structuredClone(synthesized.stacks['airfill-dev']!);
    for (const group of Object.values(broken.resource.aws_cloudwatch_log_group ?? {})) delete group.kms_key_id;
    for (const fn of Object.values(broken.resource.aws_lambda_function ?? {})) delete fn.tracing_config;
    const ids = SCAN_RULES.flatMap((rule) => (rule.offenders(broken).length > 0 ? [rule.id] : []));
    expect(ids).toEqual(expect.arrayContaining(['CKV_AWS_158', 'CKV_AWS_50']));
  });
});
