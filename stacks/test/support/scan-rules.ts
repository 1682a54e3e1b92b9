import { allowedActions, list, policiesOf } from './policies';
import { resourcesOf, type TerraformJson } from './synth';

/** One finding: which rule, in which stack, on which resource. */
export interface ScanFinding {
  rule: string;
  stack: string;
  resource: string;
}

/**
 * A misconfiguration rule in the manner of an IaC scanner (the checkov id it
 * mirrors, where there is one): it names every resource of a stack that breaks it.
 */
export interface ScanRule {
  id: string;
  title: string;
  offenders(stack: TerraformJson): string[];
}

const ids = (stack: TerraformJson, type: string, broken: (attrs: Record<string, unknown>) => boolean) =>
  resourcesOf(stack, type)
    .filter(([, attrs]) => broken(attrs))
    .map(([id]) => `${type}.${id}`);

/** The bucket a bucket-settings resource belongs to (`${aws_s3_bucket.<id>.id}` -> `<id>`). */
const bucketOf = (attrs: Record<string, unknown>) => /aws_s3_bucket\.([^.]+)\./.exec(String(attrs.bucket))?.[1];
const bucketsWith = (stack: TerraformJson, type: string, ok: (attrs: Record<string, unknown>) => boolean = () => true) =>
  new Set(resourcesOf(stack, type).filter(([, attrs]) => ok(attrs)).map(([, attrs]) => bucketOf(attrs)));
const bucketsWithout = (stack: TerraformJson, type: string, ok?: (attrs: Record<string, unknown>) => boolean) => {
  const covered = bucketsWith(stack, type, ok);
  return resourcesOf(stack, 'aws_s3_bucket')
    .filter(([id]) => !covered.has(id))
    .map(([id]) => `aws_s3_bucket.${id}`);
};

/** The rules, grouped by what a scanner would check. */
export const SCAN_RULES: ScanRule[] = [
  // S3
  { id: 'CKV_AWS_19', title: 'bucket encrypted at rest', offenders: (s) => bucketsWithout(s, 'aws_s3_bucket_server_side_encryption_configuration') },
  {
    id: 'CKV_AWS_145',
    title: 'bucket encrypted with KMS',
    offenders: (s) =>
      bucketsWithout(s, 'aws_s3_bucket_server_side_encryption_configuration', (a) =>
        JSON.stringify(a.rule).includes('"sse_algorithm":"aws:kms"'),
      ),
  },
  { id: 'CKV_AWS_21', title: 'bucket versioned', offenders: (s) => bucketsWithout(s, 'aws_s3_bucket_versioning', (a) => JSON.stringify(a.versioning_configuration).includes('Enabled')) },
  {
    id: 'CKV_AWS_53-56',
    title: 'bucket blocks all public access',
    offenders: (s) =>
      bucketsWithout(s, 'aws_s3_bucket_public_access_block', (a) => a.block_public_acls === true && a.block_public_policy === true && a.ignore_public_acls === true && a.restrict_public_buckets === true),
  },
  { id: 'CKV_AWS_18', title: 'bucket has server access logging', offenders: (s) => bucketsWithout(s, 'aws_s3_bucket_logging') },
  { id: 'CKV2_AWS_65', title: 'bucket ACLs disabled', offenders: (s) => bucketsWithout(s, 'aws_s3_bucket_ownership_controls', (a) => JSON.stringify(a.rule).includes('BucketOwnerEnforced')) },
  { id: 'CKV2_AWS_61', title: 'bucket has lifecycle rules', offenders: (s) => bucketsWithout(s, 'aws_s3_bucket_lifecycle_configuration') },
  // Logs, topics, queues, keys
  { id: 'CKV_AWS_158', title: 'log group encrypted with KMS', offenders: (s) => ids(s, 'aws_cloudwatch_log_group', (a) => !a.kms_key_id) },
  { id: 'CKV_AWS_338', title: 'log group retained at least a year', offenders: (s) => ids(s, 'aws_cloudwatch_log_group', (a) => Number(a.retention_in_days) < 365) },
  { id: 'CKV_AWS_26', title: 'SNS topic encrypted', offenders: (s) => ids(s, 'aws_sns_topic', (a) => !a.kms_master_key_id) },
  { id: 'CKV_AWS_27', title: 'SQS queue encrypted', offenders: (s) => ids(s, 'aws_sqs_queue', (a) => a.sqs_managed_sse_enabled !== true && !a.kms_master_key_id) },
  { id: 'CKV_AWS_7', title: 'KMS key rotation on', offenders: (s) => ids(s, 'aws_kms_key', (a) => a.enable_key_rotation !== true) },
  // Lambda
  { id: 'CKV_AWS_50', title: 'Lambda traced by X-Ray', offenders: (s) => ids(s, 'aws_lambda_function', (a) => (a.tracing_config as { mode?: string } | undefined)?.mode !== 'Active') },
  { id: 'CKV_AWS_117', title: 'Lambda in a VPC', offenders: (s) => ids(s, 'aws_lambda_function', (a) => a.vpc_config === undefined) },
  { id: 'CKV_AWS_116', title: 'Lambda has a dead-letter queue', offenders: (s) => ids(s, 'aws_lambda_function', (a) => a.dead_letter_config === undefined) },
  { id: 'CKV_AWS_115', title: 'Lambda concurrency limited', offenders: (s) => ids(s, 'aws_lambda_function', (a) => a.reserved_concurrent_executions === undefined) },
  { id: 'CKV_AWS_173', title: 'Lambda environment encrypted with a customer key', offenders: (s) => ids(s, 'aws_lambda_function', (a) => a.environment !== undefined && !a.kms_key_arn) },
  { id: 'CKV_AWS_272', title: 'Lambda code signed', offenders: (s) => ids(s, 'aws_lambda_function', (a) => !a.code_signing_config_arn) },
  // Aurora
  { id: 'CKV_AWS_96', title: 'Aurora storage encrypted', offenders: (s) => ids(s, 'aws_rds_cluster', (a) => a.storage_encrypted !== true) },
  { id: 'CKV_AWS_162', title: 'Aurora IAM authentication', offenders: (s) => ids(s, 'aws_rds_cluster', (a) => a.iam_database_authentication_enabled !== true) },
  { id: 'CKV_AWS_139', title: 'Aurora deletion protection', offenders: (s) => ids(s, 'aws_rds_cluster', (a) => a.deletion_protection !== true) },
  { id: 'CKV_AWS_324', title: 'Aurora logs exported', offenders: (s) => ids(s, 'aws_rds_cluster', (a) => list(a.enabled_cloudwatch_logs_exports as string[]).length === 0) },
  { id: 'CKV_AWS_313', title: 'Aurora copies tags to snapshots', offenders: (s) => ids(s, 'aws_rds_cluster', (a) => a.copy_tags_to_snapshot !== true) },
  { id: 'CKV_AWS_17', title: 'Aurora instance not public', offenders: (s) => ids(s, 'aws_rds_cluster_instance', (a) => a.publicly_accessible !== false) },
  { id: 'CKV_AWS_226', title: 'Aurora instance upgrades minor versions automatically', offenders: (s) => ids(s, 'aws_rds_cluster_instance', (a) => a.auto_minor_version_upgrade !== true) },
  { id: 'CKV_AWS_354', title: 'Performance Insights encrypted with KMS', offenders: (s) => ids(s, 'aws_rds_cluster_instance', (a) => a.performance_insights_enabled === true && !a.performance_insights_kms_key_id) },
  // Network
  { id: 'CKV2_AWS_11', title: 'VPC flow logs on', offenders: (s) => (resourcesOf(s, 'aws_vpc').length > resourcesOf(s, 'aws_flow_log').length ? resourcesOf(s, 'aws_vpc').map(([id]) => `aws_vpc.${id}`) : []) },
  { id: 'CKV2_AWS_12', title: 'default security group allows nothing', offenders: (s) => ids(s, 'aws_default_security_group', (a) => list(a.ingress as unknown[]).length + list(a.egress as unknown[]).length > 0) },
  { id: 'CKV_AWS_130', title: 'subnet assigns no public IPs', offenders: (s) => ids(s, 'aws_subnet', (a) => a.map_public_ip_on_launch !== false) },
  { id: 'CKV_AWS_123', title: 'interface endpoint has a policy', offenders: (s) => ids(s, 'aws_vpc_endpoint', (a) => a.vpc_endpoint_type === 'Interface' && a.policy === undefined) },
  // Step Functions, SageMaker
  { id: 'CKV_AWS_284', title: 'state machine traced by X-Ray', offenders: (s) => ids(s, 'aws_sfn_state_machine', (a) => (a.tracing_configuration as { enabled?: boolean } | undefined)?.enabled !== true) },
  { id: 'CKV_AWS_285', title: 'state machine logs', offenders: (s) => ids(s, 'aws_sfn_state_machine', (a) => a.logging_configuration === undefined) },
  { id: 'CKV_AWS_370', title: 'SageMaker model network-isolated', offenders: (s) => ids(s, 'aws_sagemaker_model', (a) => a.enable_network_isolation !== true) },
  // IAM
  { id: 'CKV_AWS_62', title: 'no policy allows "*" actions', offenders: (s) => policiesOf(s).filter((p) => p.type === 'aws_iam_role_policy' && allowedActions(p.statements).some((a) => a === '*' || a.endsWith(':*'))).map((p) => `${p.type}.${p.id}`) },
  { id: 'CKV_AWS_274', title: 'no AWS-managed admin-like policy attached', offenders: (s) => ids(s, 'aws_iam_role_policy_attachment', () => true) },
  { id: 'CKV_AWS_61', title: 'no role trusts "*"', offenders: (s) => ids(s, 'aws_iam_role', (a) => /"Principal":"\*"|"AWS":"\*"/.test(String(a.assume_role_policy))) },
  { id: 'AIRFILL_BOUNDARY', title: 'role carries a permissions boundary', offenders: (s) => ids(s, 'aws_iam_role', (a) => !a.permissions_boundary) },
];
