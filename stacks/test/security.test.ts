import { lambdaEnvSchemas, pipelineInputSchema } from '@airfill/schema';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAMBDA_APPS } from '../src/assets/lambda-bundles';
import { boundaryActions } from '../src/iam/boundary';
import { LAMBDA_RUNTIME } from '../src/constructs/lambda-function';
import { Naming } from '../src/naming';
import { SCHEDULED_INPUT } from '../src/constructs/schedule';
import { type EnvironmentConfig, loadAllEnvironmentConfigs } from '../src/config';
import { allowedActions, list, policiesOf, rolePolicy, type Statement } from './support/policies';
import { roleNamed } from './support/roles';
import { resourceNamed, resourcesOf, synthesizeAll, type Synthesized, type TerraformJson } from './support/synth';

/** Every Lambda of an environment: the pipeline's and the read API's. */
const ALL_FUNCTIONS = [...LAMBDA_APPS, 'api'];

/**
 * Actions AWS grants only on `Resource: "*"` (no resource-level permissions),
 * each with the reason it is needed. Anything else on "*" fails the test.
 */
const STAR_ONLY_ACTIONS = new Set([
  // Lambda attaches functions to the VPC with the execution role.
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
  // Step Functions logging (vended log delivery) and tracing.
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  // Transform metrics (namespace-conditioned); the flow-log role finding its group.
  'cloudwatch:PutMetricData',
]);

let synthesized: Synthesized;
const environments = (): [string, TerraformJson, EnvironmentConfig][] =>
  synthesized.configs.map((config) => [config.name, synthesized.stacks[`airfill-${config.name}`]!, config]);
const stackOf = (name: string) => synthesized.stacks[`airfill-${name}`]!;
const configOf = (name: string) => synthesized.configs.find((c) => c.name === name)!;

beforeAll(() => {
  synthesized = synthesizeAll();
});

describe.each(['dev', 'staging', 'prod'])('airfill-%s', (name) => {
  const stack = () => stackOf(name);
  const config = () => configOf(name);

  describe('IAM', () => {
    it('allows no "*" action and no NotAction anywhere', () => {
      for (const policy of policiesOf(stack())) {
        for (const statement of policy.statements) {
          expect({ at: `${policy.type}.${policy.id}`, actions: list(statement.Action).filter((a) => a === '*') }).toEqual({ at: `${policy.type}.${policy.id}`, actions: [] });
          expect(statement.NotAction).toBeUndefined();
          expect(statement.NotResource).toBeUndefined();
        }
      }
    });

    it('grants no service-wide wildcard ("s3:*") to any role', () => {
      const wildcards = policiesOf(stack())
        .filter((p) => p.type === 'aws_iam_role_policy')
        .flatMap((p) => allowedActions(p.statements).filter((a) => a.endsWith(':*')).map((a) => `${p.id}: ${a}`));
      expect(wildcards).toEqual([]);
    });

    it('uses Resource "*" only for actions that have no resource-level permissions', () => {
      const offenders = policiesOf(stack())
        .filter((p) => p.type === 'aws_iam_role_policy')
        .flatMap((p) =>
          p.statements
            .filter((s) => s.Effect === 'Allow' && list(s.Resource).includes('*'))
            .flatMap((s) => list(s.Action).filter((a) => !STAR_ONLY_ACTIONS.has(a)).map((a) => `${p.id}: ${a}`)),
        );
      expect(offenders).toEqual([]);
    });

    it('limits every service trust to this account (confused-deputy guard)', () => {
      for (const [id, role] of resourcesOf(stack(), 'aws_iam_role')) {
        const [trust] = (JSON.parse(role.assume_role_policy as string) as { Statement: Statement[] }).Statement;
        expect({ id, condition: trust!.Condition }).toEqual({ id, condition: { StringEquals: { 'aws:SourceAccount': config().accountId } } });
      }
    });

    it('puts the environment permissions boundary on every role', () => {
      for (const [id, role] of resourcesOf(stack(), 'aws_iam_role')) {
        expect({ id, boundary: role.permissions_boundary }).toEqual({ id, boundary: `arn:aws:iam::${config().accountId}:policy/airfill-${name}-boundary` });
      }
    });

    it('grants no action outside the permissions boundary (else it would be silently denied)', () => {
      const ceiling = new Set<string>(boundaryActions(new Naming(config())));
      const outside = policiesOf(stack())
        .filter((p) => p.type === 'aws_iam_role_policy')
        .flatMap((p) => allowedActions(p.statements).filter((a) => !ceiling.has(a)).map((a) => `${p.id}: ${a}`));
      expect(outside).toEqual([]);
    });

    it('gives each Lambda its own role', () => {
      const roles = resourcesOf(stack(), 'aws_lambda_function').map(([, fn]) => fn.role);
      expect(roles).toHaveLength(ALL_FUNCTIONS.length);
      expect(new Set(roles).size).toBe(ALL_FUNCTIONS.length);
    });

    it('allows iam:PassRole only to start-transform (the SageMaker role) and the training workflow (the training role), each only to SageMaker', () => {
      const passing = policiesOf(stack()).filter((p) => allowedActions(p.statements).includes('iam:PassRole'));
      expect(passing.map((p) => p.id).sort()).toEqual([expect.stringContaining('start-transform'), expect.stringContaining('training_execution')]);
      const passed = (fragment: string) => {
        const statements = passing.find((p) => p.id.includes(fragment))!.statements.filter((s) => list(s.Action).includes('iam:PassRole'));
        expect(statements).toHaveLength(1);
        expect(statements[0]!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
        return statements[0]!.Resource;
      };
      expect(passed('start-transform')).toMatch(/^\$\{aws_iam_role\.model_execution_role_[A-Z0-9]+\.arn\}$/);
      expect(passed('training_execution')).toMatch(/^\$\{aws_iam_role\.training_jobs_role_[A-Z0-9]+\.arn\}$/);
    });

    it('lets only the functions that use the database connect, as the app user, by IAM token', () => {
      const connecting = policiesOf(stack())
        .filter((p) => allowedActions(p.statements).includes('rds-db:connect'))
        .map((p) => (p.id.startsWith('read-api_') ? 'api' : p.id.split('_')[1]!))
        .sort();
      // The API connects too, as its own read-only login (test/read-api.test.ts).
      // The training steps that read or write the ledger too; calibrate-candidate reads only the run's files.
      expect(connecting).toEqual([
        'api',
        'evaluate-candidate',
        'export-training-data',
        'migrate',
        'plan-parameters',
        'promote-model',
        'quality-check',
        'query-missing',
        'record-failure',
        'record-training-failure',
        'register-model',
        'write-predictions',
      ]);
      const statement = rolePolicy(stack(), 'functions_query-missing').find((s) => s.Action === 'rds-db:connect')!;
      expect(statement.Resource).toBe(
        `arn:aws:rds-db:${config().region}:${config().accountId}:dbuser:\${aws_rds_cluster.database_cluster_FAF2FB92.cluster_resource_id}/${config().database.appUsername}`,
      );
    });

    it('lets only the migration read the master secret', () => {
      const readers = policiesOf(stack()).filter((p) => allowedActions(p.statements).includes('secretsmanager:GetSecretValue'));
      expect(readers.map((p) => p.id)).toEqual([expect.stringContaining('functions_migrate')]);
    });

    it('scopes S3 access of each function to the prefixes of its step', () => {
      const objectsOf = (fragment: string, action: string) =>
        rolePolicy(stack(), fragment)
          .filter((s) => s.Effect === 'Allow' && list(s.Action).includes(action))
          .flatMap((s) => list(s.Resource))
          .map((r) => r.replace(/^\$\{aws_s3_bucket\.[^}]+\.arn\}\//, ''))
          .sort();
      expect(objectsOf('functions_query-missing', 's3:PutObject')).toEqual(['retrieved_from_db/*']);
      // plan-parameters writes the chunk manifests, the one object of the execution (test/chunked-fill.test.ts).
      expect(objectsOf('functions_plan-parameters', 's3:PutObject')).toEqual(['retrieved_from_db/*/chunks.json']);
      expect(objectsOf('functions_plan-parameters', 's3:GetObject')).toEqual([]);
      // query-missing reads the model its run pinned and a pointer model's contract (models/); start-transform the pointer model itself.
      expect(objectsOf('functions_query-missing', 's3:GetObject')).toEqual(['models/*', 'retrieved_from_db/*']);
      expect(objectsOf('functions_start-transform', 's3:GetObject')).toEqual(['models/*', 'output_batch/*', 'retrieved_from_db/*']);
      expect(objectsOf('model-promotion_promote-model', 's3:GetObject')).toEqual([]);
      expect(objectsOf('functions_write-predictions', 's3:GetObject')).toEqual(['predicted_values_output/*']);
      expect(objectsOf('functions_write-predictions', 's3:PutObject')).toEqual([]);
      expect(objectsOf('functions_transform-callback', 's3:PutObject')).toEqual(['predicted_values_output/*']);
      expect(objectsOf('functions_record-failure', 's3:GetObject')).toEqual([]);
      expect(objectsOf('functions_quality-check', 's3:GetObject')).toEqual([]);
      expect(objectsOf('functions_quality-check', 's3:PutObject')).toEqual([]);
      expect(objectsOf('model_execution', 's3:GetObject')).toEqual(['input_batch/*', 'models/*']);
      expect(objectsOf('model_execution', 's3:PutObject')).toEqual(['output_batch/*']);
    });

    it('limits the workflow role to invoking the six pipeline Lambdas', () => {
      const invoke = rolePolicy(stack(), 'workflow_execution').find((s) => s.Action === 'lambda:InvokeFunction')!;
      const functions = list(invoke.Resource).map((r) => /aws_lambda_function\.functions_([a-z-]+)_function/.exec(r)?.[1]);
      expect(new Set(functions)).toEqual(new Set(['quality-check', 'plan-parameters', 'query-missing', 'start-transform', 'write-predictions', 'record-failure']));
    });

    it('lets quality-check do nothing but connect to the database as the app user (its alerts reach SNS through a metric alarm)', () => {
      const statements = rolePolicy(stack(), 'functions_quality-check');
      const actions = new Set(allowedActions(statements));
      expect(actions.has('rds-db:connect')).toBe(true);
      const beyondBasics = [...actions].filter((action) => !/^(logs|xray|ec2|kms):/.test(action) && action !== 'rds-db:connect');
      expect(beyondBasics).toEqual([]);
      expect([...actions].filter((action) => /^(s3|sns|ssm|states|sagemaker|secretsmanager|cloudwatch):/.test(action))).toEqual([]);
    });
  });

  describe('task tokens', () => {
    it('reaches SSM parameters only under the environment jobs path, and the current-model pointers only where a step reads or writes them', () => {
      const arnOf = (path: string) => `arn:aws:ssm:${config().region}:${config().accountId}:parameter/airfill/${name}/${path}/*`;
      const pointerStatements = (fragment: string) => rolePolicy(stack(), fragment).filter((s) => list(s.Action).some((a) => a.startsWith('ssm:')) && s.Resource === arnOf('models'));
      // Writers: the gate (register-model) and a person (promote-model); readers: the steps that choose a run's model.
      expect(pointerStatements('training-functions_register-model')).toEqual([{ Sid: 'PointAtCurrentModel', Effect: 'Allow', Action: 'ssm:PutParameter', Resource: arnOf('models') }]);
      expect(pointerStatements('model-promotion_promote-model')).toEqual([{ Sid: 'PointAtCurrentModel', Effect: 'Allow', Action: 'ssm:PutParameter', Resource: arnOf('models') }]);
      for (const reader of ['functions_query-missing', 'functions_start-transform']) {
        expect({ reader, statements: pointerStatements(reader) }).toEqual({ reader, statements: [{ Sid: 'ReadCurrentModelPointers', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: arnOf('models') }] });
      }
      const pointerRoles = policiesOf(stack())
        .filter((p) => p.statements.some((s) => list(s.Action).some((a) => a.startsWith('ssm:')) && s.Resource === arnOf('models')))
        .map((p) => p.id.replace(/_execution_policy.*$/, ''))
        .sort();
      expect(pointerRoles).toEqual(['functions_query-missing', 'functions_start-transform', 'model-promotion_promote-model', 'training-functions_register-model']);
      const others = policiesOf(stack()).flatMap((p) => p.statements.filter((s) => list(s.Action).some((a) => a.startsWith('ssm:')) && s.Resource !== arnOf('models')));
      expect(others.length).toBeGreaterThan(0);
      for (const statement of others) expect(statement.Resource).toBe(arnOf('jobs'));
      const actionsOf = (fragment: string) => [...new Set(allowedActions(rolePolicy(stack(), fragment)).filter((a) => a.startsWith('ssm:')))].sort();
      expect(actionsOf('functions_start-transform')).toEqual(['ssm:DeleteParameter', 'ssm:GetParameter', 'ssm:PutParameter']);
      expect(actionsOf('functions_transform-callback')).toEqual(['ssm:DeleteParameter', 'ssm:GetParameter']);
      expect(actionsOf('functions_record-failure')).toEqual(['ssm:DeleteParameter']);
      expect(actionsOf('functions_plan-parameters')).toEqual([]);
    });

    it('lets the key encrypt and decrypt SecureStrings only for parameters under that path, only through SSM', () => {
      for (const fragment of ['functions_start-transform', 'functions_transform-callback']) {
        const statement = rolePolicy(stack(), fragment).find((s) => s.Sid === 'KeyForTokenParameters')!;
        expect(statement.Condition).toEqual({
          StringEquals: { 'kms:ViaService': `ssm.${config().region}.amazonaws.com` },
          StringLike: { 'kms:EncryptionContext:PARAMETER_ARN': `arn:aws:ssm:${config().region}:${config().accountId}:parameter/airfill/${name}/jobs/*` },
        });
      }
    });
  });

  describe('encryption at rest', () => {
    it('encrypts every bucket, the data bucket with the environment KMS key', () => {
      const buckets = resourcesOf(stack(), 'aws_s3_bucket').map(([id]) => id);
      const encryption = resourcesOf(stack(), 'aws_s3_bucket_server_side_encryption_configuration');
      expect(encryption.map(([id]) => id.replace('_encryption_', '_bucket_').replace(/_[A-F0-9]{8}$/, '')).sort()).toEqual(
        buckets.map((id) => id.replace(/_[A-F0-9]{8}$/, '')).sort(),
      );
      const data = resourceNamed(stack(), 'aws_s3_bucket_server_side_encryption_configuration', 'storage_data');
      expect(data.rule).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.encryption_key_[A-Z0-9]+\.arn\}$/) }, bucket_key_enabled: true },
      ]);
    });

    it('encrypts Aurora storage, Performance Insights and the master secret with the key', () => {
      const cluster = resourceNamed(stack(), 'aws_rds_cluster', 'database_cluster');
      expect(cluster).toMatchObject({ storage_encrypted: true, manage_master_user_password: true });
      expect(cluster.kms_key_id).toMatch(/aws_kms_key\.encryption_key/);
      expect(cluster.master_user_secret_kms_key_id).toMatch(/aws_kms_key\.encryption_key/);
      expect(cluster.master_password).toBeUndefined();
      for (const [, instance] of resourcesOf(stack(), 'aws_rds_cluster_instance')) {
        expect(instance).toMatchObject({ performance_insights_enabled: true, publicly_accessible: false });
        expect(instance.performance_insights_kms_key_id).toMatch(/aws_kms_key\.encryption_key/);
      }
    });

    it('encrypts log groups, the alarm topic, the dead-letter queue and the model artifact', () => {
      for (const [id, group] of resourcesOf(stack(), 'aws_cloudwatch_log_group')) {
        expect({ id, key: group.kms_key_id }).toEqual({ id, key: expect.stringMatching(/aws_kms_key\.encryption_key/) });
        expect(group.retention_in_days).toBeGreaterThan(0);
      }
      expect(resourceNamed(stack(), 'aws_sns_topic', 'alarms').kms_master_key_id).toMatch(/aws_kms_key\.encryption_key/);
      expect(resourceNamed(stack(), 'aws_sqs_queue', 'callback-dlq').sqs_managed_sse_enabled).toBe(true);
      // One model artifact per parameter, each under the key.
      const artifacts = resourcesOf(stack(), 'aws_s3_object').filter(([id]) => id.includes('artifact'));
      expect(artifacts.map(([id]) => /artifact-([a-z0-9]+)_/.exec(id)?.[1]).sort()).toEqual(['no2', 'o3', 'pm10', 'pm25', 'temperature']);
      for (const [id, artifact] of artifacts) expect({ id, sse: artifact.server_side_encryption, key: artifact.kms_key_id }).toEqual({ id, sse: 'aws:kms', key: expect.stringMatching(/aws_kms_key\.encryption_key/) });
      expect(resourceNamed(stack(), 'aws_kms_key', 'encryption_key').enable_key_rotation).toBe(true);
    });
  });

  describe('buckets', () => {
    it('denies every request not made over TLS, on the bucket and its objects', () => {
      const buckets = resourcesOf(stack(), 'aws_s3_bucket');
      const policies = resourcesOf(stack(), 'aws_s3_bucket_policy');
      expect(policies).toHaveLength(buckets.length);
      for (const [id, policy] of policies) {
        const statements = (JSON.parse(policy.policy as string) as { Statement: Statement[] }).Statement;
        const deny = statements.find((s) => s.Sid === 'DenyInsecureTransport');
        expect({ id, deny }).toEqual({
          id,
          deny: {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [expect.stringMatching(/\.arn\}$/), expect.stringMatching(/\.arn\}\/\*$/)],
            Condition: { Bool: { 'aws:SecureTransport': false } },
          },
        });
      }
    });

    it('blocks public access, versions and disables ACLs on every bucket', () => {
      const count = resourcesOf(stack(), 'aws_s3_bucket').length;
      const blocks = resourcesOf(stack(), 'aws_s3_bucket_public_access_block').map(([, b]) => b);
      expect(blocks).toHaveLength(count);
      for (const block of blocks) {
        expect(block).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
      }
      expect(resourcesOf(stack(), 'aws_s3_bucket_versioning').map(([, v]) => v.versioning_configuration)).toEqual(Array(count).fill({ status: 'Enabled' }));
      expect(resourcesOf(stack(), 'aws_s3_bucket_ownership_controls')).toHaveLength(count);
    });

    it('expires the intermediate run prefixes and old versions by config', () => {
      const rules = resourceNamed(stack(), 'aws_s3_bucket_lifecycle_configuration', 'storage_data').rule as {
        id: string;
        filter: { prefix: string }[];
        expiration?: { days?: number }[];
        noncurrent_version_expiration?: { noncurrent_days: number }[];
      }[];
      const expiring = rules.filter((r) => r.expiration?.[0]?.days === config().storage.intermediateExpirationDays).map((r) => r.filter[0]!.prefix);
      expect(expiring.sort()).toEqual(['input_batch/', 'output_batch/', 'predicted_values_output/', 'retrieved_from_db/']);
      expect(rules.find((r) => r.id === 'expire-noncurrent-versions')!.noncurrent_version_expiration).toEqual([
        { noncurrent_days: config().storage.noncurrentVersionExpirationDays },
      ]);
      expect(rules.some((r) => r.filter[0]!.prefix === 'models/')).toBe(false);
    });
  });

  describe('network', () => {
    it('has no internet gateway, NAT, elastic IP or route out of the VPC', () => {
      for (const type of ['aws_internet_gateway', 'aws_egress_only_internet_gateway', 'aws_nat_gateway', 'aws_eip', 'aws_route']) {
        expect({ type, count: resourcesOf(stack(), type).length }).toEqual({ type, count: 0 });
      }
      for (const [, table] of resourcesOf(stack(), 'aws_route_table')) expect(table.route).toBeUndefined();
      for (const [, subnet] of resourcesOf(stack(), 'aws_subnet')) expect(subnet.map_public_ip_on_launch).toBe(false);
      expect(resourcesOf(stack(), 'aws_subnet').map(([, s]) => s.availability_zone)).toEqual(config().network.subnets.map((s) => s.availabilityZone));
    });

    it('opens only Lambda -> Aurora on 5432 and Lambda -> endpoints and S3 on 443', () => {
      const rules = [...resourcesOf(stack(), 'aws_vpc_security_group_ingress_rule'), ...resourcesOf(stack(), 'aws_vpc_security_group_egress_rule')].map(([id, r]) => ({
        id: id.replace(/^network_/, '').replace(/_[A-F0-9]{8}$/, ''),
        port: [r.from_port, r.to_port],
        peer: r.referenced_security_group_id ?? r.prefix_list_id ?? r.cidr_ipv4 ?? r.cidr_ipv6,
      }));
      expect(rules.map(({ id, port }) => `${id}:${port.join('-')}`).sort()).toEqual([
        'database-from-functions:5432-5432',
        'endpoints-from-functions:443-443',
        'functions-to-database:5432-5432',
        'functions-to-endpoints:443-443',
        'functions-to-s3:443-443',
      ]);
      for (const rule of rules) expect(String(rule.peer)).toMatch(/^\$\{aws_(security_group|vpc_endpoint)\./);
      for (const [, group] of resourcesOf(stack(), 'aws_security_group')) {
        expect(group.ingress).toBeUndefined();
        expect(group.egress).toBeUndefined();
      }
      expect(resourcesOf(stack(), 'aws_default_security_group').map(([, g]) => [g.ingress, g.egress])).toEqual([[[], []]]);
    });

    it('reaches AWS through an S3 gateway and the configured interface endpoints', () => {
      const endpoints = resourcesOf(stack(), 'aws_vpc_endpoint').map(([, e]) => `${e.vpc_endpoint_type}:${String(e.service_name).replace(`com.amazonaws.${config().region}.`, '')}`);
      expect(endpoints.sort()).toEqual(
        ['Gateway:s3', ...config().network.interfaceEndpoints.map((s) => `Interface:${s}`)].sort(),
      );
    });
  });

  describe('database', () => {
    it('runs Aurora PostgreSQL 16 with IAM authentication and TLS forced', () => {
      const cluster = resourceNamed(stack(), 'aws_rds_cluster', 'database_cluster');
      expect(cluster).toMatchObject({ engine: 'aurora-postgresql', iam_database_authentication_enabled: true });
      expect(cluster.engine_version).toMatch(/^16\./);
      const parameters = resourceNamed(stack(), 'aws_rds_cluster_parameter_group', 'parameters');
      expect(parameters.parameter).toContainEqual({ name: 'rds.force_ssl', value: '1' });
    });

    it('takes backups, protects from deletion and keeps readers as configured', () => {
      const db = config().database;
      const cluster = resourceNamed(stack(), 'aws_rds_cluster', 'database_cluster');
      expect(cluster).toMatchObject({
        backup_retention_period: db.backupRetentionDays,
        deletion_protection: db.deletionProtection,
        skip_final_snapshot: !db.finalSnapshot,
      });
      expect(resourcesOf(stack(), 'aws_rds_cluster_instance')).toHaveLength(1 + db.readers);
    });
  });

  describe('models', () => {
    it('runs one SageMaker model per configured parameter and gives each parameter its own Model Registry package group', () => {
      const parameters = config().pipeline.parameters;
      const slug = (parameter: string) => parameter.toLowerCase().replace(/[^a-z0-9]+/g, '');
      expect(resourcesOf(stack(), 'aws_sagemaker_model')).toHaveLength(parameters.length);
      const groups = resourcesOf(stack(), 'aws_sagemaker_model_package_group').map(([, group]) => group.model_package_group_name);
      expect(groups.sort()).toEqual(parameters.map((parameter) => `airfill-${name}-${slug(parameter)}-models`).sort());
      // The Lambdas learn each parameter's SageMaker model and version from AIRFILL_MODELS.
      const start = resourcesOf(stack(), 'aws_lambda_function').find(([id]) => id.includes('start-transform'))![1];
      const deployed = JSON.parse((start.environment as { variables: Record<string, string> }).variables.AIRFILL_MODELS!) as Record<string, { name: string; version: string }>;
      expect(Object.keys(deployed).sort()).toEqual([...parameters].sort());
    });

    it('scales the batch transform as configured: instance type and count, concurrent mini-batches, payload (within SageMaker\'s 100 MB per instance)', () => {
      const { transform } = config();
      const start = resourcesOf(stack(), 'aws_lambda_function').find(([id]) => id.includes('start-transform'))![1];
      const variables = (start.environment as { variables: Record<string, string> }).variables;
      expect([variables.AIRFILL_TRANSFORM_INSTANCE_TYPE, variables.AIRFILL_TRANSFORM_INSTANCE_COUNT, variables.AIRFILL_TRANSFORM_MAX_CONCURRENT, variables.AIRFILL_TRANSFORM_MAX_PAYLOAD_MB]).toEqual(
        [transform.instanceType, ...[transform.instanceCount, transform.maxConcurrentTransforms, transform.maxPayloadMb].map(String)],
      );
      expect(transform.maxPayloadMb * transform.maxConcurrentTransforms).toBeLessThanOrEqual(100);
    });
  });

  describe('functions', () => {
    it('runs every Lambda from its bundle, in the VPC, with its own log group', () => {
      const functions = resourcesOf(stack(), 'aws_lambda_function').map(([, fn]) => fn);
      expect(functions.map((fn) => fn.function_name).sort()).toEqual(ALL_FUNCTIONS.map((app) => `airfill-${name}-${app}`).sort());
      for (const fn of functions) {
        expect(fn).toMatchObject({ runtime: LAMBDA_RUNTIME, handler: 'index.handler' });
        expect(fn.filename).toMatch(/^assets\/.+\/archive\.zip$/);
        expect((fn.vpc_config as { subnet_ids: string[] }).subnet_ids).toHaveLength(config().network.subnets.length);
        expect((fn.logging_config as { log_group: string }).log_group).toMatch(/aws_cloudwatch_log_group/);
      }
    });


    it('gives every Lambda the environment its handler parses (packages/schema lambda-env)', () => {
      const names: Record<string, keyof typeof lambdaEnvSchemas> = {
        migrate: 'migrate',
        'quality-check': 'qualityCheck',
        'plan-parameters': 'planParameters',
        'query-missing': 'queryMissing',
        'start-transform': 'startTransform',
        'transform-callback': 'transformCallback',
        'write-predictions': 'writePredictions',
        'record-failure': 'recordFailure',
        'export-training-data': 'exportTrainingData',
        'calibrate-candidate': 'calibrateCandidate',
        'evaluate-candidate': 'evaluateCandidate',
        'register-model': 'registerModel',
        'record-training-failure': 'recordTrainingFailure',
        'promote-model': 'promoteModel',
      };
      for (const [, fn] of resourcesOf(stack(), 'aws_lambda_function')) {
        const app = String(fn.function_name).slice(`airfill-${name}-`.length);
        // The API Lambda reads only the database settings (test/read-api.test.ts).
        if (app === 'api') continue;
        const variables = (fn.environment as { variables: Record<string, string> }).variables;
        const parsed = lambdaEnvSchemas[names[app]!].safeParse(variables);
        expect({ app, issues: parsed.error?.issues ?? [] }).toEqual({ app, issues: [] });
        expect(variables.AIRFILL_ENV ?? name).toBe(name);
      }
    });

    it('sends undeliverable callback events to the dead-letter queue', () => {
      const callback = resourceNamed(stack(), 'aws_lambda_function', 'transform-callback');
      expect((callback.dead_letter_config as { target_arn: string }).target_arn).toMatch(/aws_sqs_queue\.functions_callback-dlq/);
      const target = resourceNamed(stack(), 'aws_cloudwatch_event_target', 'to-callback');
      expect((target.dead_letter_config as { arn: string }).arn).toMatch(/aws_sqs_queue\.functions_callback-dlq/);
    });
  });

  describe('events, workflow and schedule', () => {
    it('routes only this environment\u2019s transform jobs to the callback', () => {
      const rule = resourceNamed(stack(), 'aws_cloudwatch_event_rule', 'transform-state');
      const pattern = JSON.parse(rule.event_pattern as string) as { source: string[]; 'detail-type': string[]; detail: { TransformJobName: { prefix: string }[] } };
      expect(pattern.source).toEqual(['aws.sagemaker']);
      expect(pattern['detail-type']).toEqual(['SageMaker Transform Job State Change']);
      expect(pattern.detail.TransformJobName).toEqual([{ prefix: `airfill-${name}-` }]);
      const jobPrefix = (resourceNamed(stack(), 'aws_lambda_function', 'start-transform').environment as { variables: Record<string, string> }).variables.AIRFILL_JOB_PREFIX;
      expect(jobPrefix).toBe(pattern.detail.TransformJobName[0]!.prefix);
      const permission = resourceNamed(stack(), 'aws_lambda_permission', 'allow-events');
      expect(permission).toMatchObject({ principal: 'events.amazonaws.com', source_arn: expect.stringMatching(/aws_cloudwatch_event_rule\.events_transform-state/) });
    });

    it('deploys the @airfill/workflow definition with logging and tracing', () => {
      const machine = resourceNamed(stack(), 'aws_sfn_state_machine', 'state-machine');
      expect(machine).toMatchObject({ type: 'STANDARD', tracing_configuration: { enabled: true } });
      expect(machine.logging_configuration).toMatchObject({ level: 'ERROR', log_destination: expect.stringMatching(/aws_cloudwatch_log_group\.workflow_logs/) });
      type Task = { Resource?: string; TimeoutSeconds?: number; Parameters?: { FunctionName?: string } };
      const definition = JSON.parse(machine.definition as string) as { StartAt: string; States: Record<string, Task & { ItemsPath?: string; MaxConcurrency?: number; ItemProcessor?: { States: Record<string, Task> } }> };
      expect(definition.StartAt).toBe('QualityCheck');
      expect(definition.States.QualityCheck!.Resource).toMatch(/aws_lambda_function\.functions_quality-check_function/);
      expect(definition.States.PlanParameters!.Resource).toMatch(/aws_lambda_function\.functions_plan-parameters_function/);
      // Every chunk in a run of its own: a Distributed Map over the manifest with the configured concurrency around the fill steps
      // (its reader and grants: test/chunked-fill.test.ts).
      const fill = definition.States.FillChunks!;
      expect(fill).toMatchObject({ Type: 'Map', ItemReader: { Parameters: { 'Key.$': '$.plan.chunks.key' } }, MaxConcurrency: config().pipeline.maxConcurrency });
      expect(fill.ItemsPath).toBeUndefined();
      expect(fill.ItemProcessor!.States.QueryMissing!.Resource).toMatch(/aws_lambda_function\.functions_query-missing_function/);
      expect(fill.ItemProcessor!.States.StartTransform!.Parameters!.FunctionName).toMatch(/aws_lambda_function\.functions_start-transform_function/);
      expect(fill.ItemProcessor!.States.StartTransform!.TimeoutSeconds).toBe(config().transform.timeoutSeconds);
    });

    it('publishes each quality alert to the alarm topic from the state machine, whose role may publish there and nowhere else', () => {
      const topic = resourceNamed(stack(), 'aws_sns_topic', 'alarms');
      const topicArn = `arn:aws:sns:${config().region}:${config().accountId}:${topic.name as string}`;
      const machine = resourceNamed(stack(), 'aws_sfn_state_machine', 'state-machine');
      const definition = JSON.parse(machine.definition as string) as {
        States: Record<string, { Next?: string; ItemsPath?: string; ItemProcessor?: { States: Record<string, { Resource: string; Parameters: Record<string, string> }> } }>;
      };
      expect(definition.States.QualityCheck!.Next).toBe('NotifyQualityAlerts');
      expect(definition.States.NotifyQualityAlerts).toMatchObject({ ItemsPath: '$.quality.alerts', Next: 'PlanParameters' });
      expect(definition.States.NotifyQualityAlerts!.ItemProcessor!.States.PublishQualityAlert).toMatchObject({
        Resource: 'arn:aws:states:::sns:publish',
        Parameters: { TopicArn: topicArn },
      });
      const statements = rolePolicy(stack(), 'workflow_execution');
      expect(statements.filter((statement) => JSON.stringify(statement.Action).includes('sns:'))).toEqual([
        { Sid: 'PublishQualityAlerts', Effect: 'Allow', Action: 'sns:Publish', Resource: topicArn },
      ]);
      expect(statements.find((statement) => statement.Sid === 'AlertTopicKey')).toEqual({
        Sid: 'AlertTopicKey',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: topic.kms_master_key_id,
      });
    });

    it('schedules the pipeline as configured, with input the pipeline accepts', () => {
      const schedule = resourceNamed(stack(), 'aws_scheduler_schedule', 'schedule');
      expect(schedule).toMatchObject({
        schedule_expression: config().schedule.expression,
        state: config().schedule.enabled ? 'ENABLED' : 'DISABLED',
      });
      expect(pipelineInputSchema.safeParse(JSON.parse((schedule.target as { input: string }).input)).success).toBe(true);
      expect(JSON.parse((schedule.target as { input: string }).input)).toEqual(SCHEDULED_INPUT);
      const startable = rolePolicy(stack(), 'schedule_invoke');
      expect(startable).toEqual([{ Sid: 'StartPipeline', Effect: 'Allow', Action: 'states:StartExecution', Resource: expect.stringMatching(/aws_sfn_state_machine/) }]);
    });
  });

  describe('monitoring', () => {
    it('alarms on failures, errors, throttles, dead letters, Aurora CPU and memory, and a drifting model', () => {
      const alarms = resourcesOf(stack(), 'aws_cloudwatch_metric_alarm').map(([, a]) => `${a.namespace}/${a.metric_name}`);
      expect(new Set(alarms)).toEqual(
        new Set([
          'AWS/States/ExecutionsFailed',
          'AWS/States/ExecutionsTimedOut',
          'AWS/Lambda/Errors',
          'AWS/Lambda/Throttles',
          'AWS/SQS/ApproximateNumberOfMessagesVisible',
          'AWS/RDS/CPUUtilization',
          'AWS/RDS/FreeableMemory',
          'airfill/DriftSignal',
        ]),
      );
      expect(alarms.filter((a) => a === 'AWS/Lambda/Errors')).toHaveLength(ALL_FUNCTIONS.length);
      for (const [, alarm] of resourcesOf(stack(), 'aws_cloudwatch_metric_alarm')) {
        expect(alarm.alarm_actions).toEqual([expect.stringMatching(/aws_sns_topic\.monitoring_alarms/)]);
      }
      expect(resourcesOf(stack(), 'aws_cloudwatch_dashboard')).toHaveLength(1);
      expect(resourcesOf(stack(), 'aws_sns_topic')).toHaveLength(1);
      expect(resourcesOf(stack(), 'aws_sns_topic_subscription')).toHaveLength(config().monitoring.alarmEmails.length);
    });
  });

  it('keeps state in its account\u2019s bucket, KMS-encrypted, with the native lock file, and refuses other accounts', () => {
    expect(stack().terraform.backend).toEqual({
      s3: {
        bucket: `airfill-tfstate-${config().accountId}-${config().region}`,
        key: `airfill/${name}/terraform.tfstate`,
        region: config().region,
        encrypt: true,
        kms_key_id: `alias/airfill-${name}-tfstate`,
        use_lockfile: true,
      },
    });
    expect(stack().provider.aws![0]).toMatchObject({ region: config().region, allowed_account_ids: [config().accountId] });
  });
});

describe('environment differences', () => {
  it('prod keeps 35 days of backups, a reader, deletion protection and a final snapshot', () => {
    const cluster = resourceNamed(stackOf('prod'), 'aws_rds_cluster', 'database_cluster');
    expect(cluster).toMatchObject({ backup_retention_period: 35, deletion_protection: true, skip_final_snapshot: false });
    expect(cluster.final_snapshot_identifier).toMatch(/^\$\{join\("-", \["airfill-prod-db-final", formatdate\(/);
    expect(resourcesOf(stackOf('prod'), 'aws_rds_cluster_instance')).toHaveLength(2);
  });

  it('dev keeps 7 days of backups and no reader', () => {
    expect(resourceNamed(stackOf('dev'), 'aws_rds_cluster', 'database_cluster')).toMatchObject({ backup_retention_period: 7 });
    expect(resourcesOf(stackOf('dev'), 'aws_rds_cluster_instance')).toHaveLength(1);
  });

  it('prod writes server access logs of the data bucket to a separate bucket', () => {
    const logging = resourcesOf(stackOf('prod'), 'aws_s3_bucket_logging');
    expect(logging).toHaveLength(1);
    expect(logging[0]![1]).toMatchObject({ bucket: expect.stringMatching(/storage_data_bucket/), target_bucket: expect.stringMatching(/storage_access-logs_bucket/) });
    expect(resourcesOf(stackOf('dev'), 'aws_s3_bucket_logging')).toHaveLength(0);
  });

  it('synthesizes the same resource types everywhere except what config switches on', () => {
    const types = (name: string) => new Set(Object.keys(stackOf(name).resource));
    const prodOnly = [...types('prod')].filter((t) => !types('dev').has(t));
    expect(prodOnly).toEqual(['aws_s3_bucket_logging']);
    expect(types('staging')).toEqual(types('dev'));
  });

  it('names every resource after its environment, so no two environments collide', () => {
    for (const [name, stack] of environments()) {
      for (const [, fn] of resourcesOf(stack, 'aws_lambda_function')) expect(fn.function_name).toMatch(new RegExp(`^airfill-${name}-`));
      for (const [, role] of resourcesOf(stack, 'aws_iam_role')) expect(role.name).toMatch(new RegExp(`^airfill-${name}-`));
    }
  });
});

describe.each(['dev', 'staging', 'prod'])('airfill-%s-bootstrap', (env) => {
  const stack = () => synthesized.stacks[`airfill-${env}-bootstrap`]!;
  const config = () => configOf(env);
  const trustOf = (role: string) => roleNamed(synthesized.stacks, `airfill-${env}-${role}`).trust;

  it('keeps its own state locally: the state bucket cannot hold the state of the stack that creates it', () => {
    expect(stack().terraform.backend).toEqual({ local: { path: `terraform.airfill-${env}-bootstrap.tfstate` } });
    expect(stack().provider.aws![0]).toMatchObject({ allowed_account_ids: [config().accountId] });
  });

  it('creates a versioned, KMS-encrypted, TLS-only, private state bucket named after its account', () => {
    const [[, bucket]] = resourcesOf(stack(), 'aws_s3_bucket') as [[string, Record<string, unknown>]];
    expect(bucket.bucket).toBe(`airfill-tfstate-${config().accountId}-${config().region}`);
    expect(resourcesOf(stack(), 'aws_s3_bucket_versioning')[0]![1].versioning_configuration).toEqual({ status: 'Enabled' });
    expect(resourcesOf(stack(), 'aws_s3_bucket_public_access_block')[0]![1]).toMatchObject({ block_public_policy: true, restrict_public_buckets: true });
    const policy = JSON.parse(resourcesOf(stack(), 'aws_s3_bucket_policy')[0]![1].policy as string) as { Statement: Statement[] };
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': false } } });
    expect(resourcesOf(stack(), 'aws_kms_key')[0]![1]).toMatchObject({ enable_key_rotation: true });
    expect(resourcesOf(stack(), 'aws_kms_alias')[0]![1]).toMatchObject({ name: `alias/airfill-${env}-tfstate` });
  });

  it('trusts GitHub OIDC for sts.amazonaws.com', () => {
    const [[, provider]] = resourcesOf(stack(), 'aws_iam_openid_connect_provider') as [[string, Record<string, unknown>]];
    expect(provider).toMatchObject({ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] });
  });

  it(`lets only the ${env} GitHub environment of this repository assume the deploy role`, () => {
    expect(trustOf('deploy')).toEqual([
      {
        Effect: 'Allow',
        Principal: { Federated: expect.stringMatching(/aws_iam_openid_connect_provider/) },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': [`repo:${config().ci.githubRepository}:environment:${env}`],
          },
        },
      },
    ]);
  });

  it('lets main, and pull requests only where the config allows, assume the read-only plan role', () => {
    const subjects = trustOf('plan')[0]!.Condition!.StringEquals!['token.actions.githubusercontent.com:sub'];
    const repository = `repo:${config().ci.githubRepository}`;
    expect(subjects).toEqual([`${repository}:ref:refs/heads/main`, ...(config().ci.planFromPullRequests ? [`${repository}:pull_request`] : [])]);
    expect(resourcesOf(stack(), 'aws_iam_role_policy_attachment')).toEqual([]);
  });

  it('lets a deploy role write role policies only on roles that carry the boundary, and never touch the CI roles', () => {
    const statements = roleNamed(synthesized.stacks, `airfill-${env}-deploy`).statements;
    const writers = statements.filter((s) => s.Effect === 'Allow' && list(s.Action).some((a) => ['iam:CreateRole', 'iam:PutRolePolicy'].includes(a)));
    expect(writers).toHaveLength(1);
    expect(writers[0]!.Condition).toEqual({ StringEquals: { 'iam:PermissionsBoundary': `arn:aws:iam::${config().accountId}:policy/airfill-${env}-boundary` } });
    const deny = statements.find((s) => s.Sid === 'NeverTheCiRoles')!;
    expect(deny.Effect).toBe('Deny');
    expect(deny.Resource).toEqual([`arn:aws:iam::${config().accountId}:role/airfill-${env}-deploy`, `arn:aws:iam::${config().accountId}:role/airfill-${env}-plan`]);
    expect(list(deny.Action)).toEqual(expect.arrayContaining(['iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PassRole']));
    for (const statement of statements.filter((s) => s.Effect === 'Allow' && list(s.Action).some((a) => a.startsWith('iam:') && a !== 'iam:CreateServiceLinkedRole'))) {
      expect(list(statement.Resource).length).toBeGreaterThan(0);
      expect(list(statement.Resource).filter((r) => !r.startsWith(`arn:aws:iam::${config().accountId}:role/airfill-${env}-`))).toEqual([]);
    }
  });

  it('publishes the environment permissions boundary with the actions the stacks use', () => {
    const [[, boundary]] = resourcesOf(stack(), 'aws_iam_policy') as [[string, Record<string, unknown>]];
    expect(boundary.name).toBe(`airfill-${env}-boundary`);
    const actions = (JSON.parse(boundary.policy as string) as { Statement: Statement[] }).Statement.flatMap((s) => list(s.Action));
    expect(actions.sort()).toEqual(boundaryActions(new Naming(config())).sort());
  });
});

describe('GitHub OIDC provider by config', () => {
  const withProvider = (mode: 'create' | 'import' | 'existing') => {
    const dev = loadAllEnvironmentConfigs().find((c) => c.name === 'dev')!;
    return synthesizeAll([{ ...dev, ci: { ...dev.ci, oidcProvider: mode } }]).stacks['airfill-dev-bootstrap']!;
  };

  it('creates it, adopts an existing one with an import block, or only references it', () => {
    const created = withProvider('create');
    expect(resourcesOf(created, 'aws_iam_openid_connect_provider')).toHaveLength(1);
    expect(created.import).toBeUndefined();

    const imported = withProvider('import');
    const [[id]] = resourcesOf(imported, 'aws_iam_openid_connect_provider') as [[string, unknown]];
    expect(imported.import).toEqual([{ to: `aws_iam_openid_connect_provider.${id}`, id: `arn:aws:iam::${configOf('dev').accountId}:oidc-provider/token.actions.githubusercontent.com` }]);

    const existing = withProvider('existing');
    expect(resourcesOf(existing, 'aws_iam_openid_connect_provider')).toHaveLength(0);
    const trust = (JSON.parse(resourcesOf(existing, 'aws_iam_role')[0]![1].assume_role_policy as string) as { Statement: Statement[] }).Statement[0]!;
    expect(trust.Principal).toEqual({ Federated: `arn:aws:iam::${configOf('dev').accountId}:oidc-provider/token.actions.githubusercontent.com` });
  }, 60_000);
});

describe('source', () => {
  it('never branches on an environment name outside the config: differences are data', () => {
    const root = join(__dirname, '..', 'src');
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
    const offenders = files(root)
      .filter((file) => !file.includes(`${join('src', 'config')}`))
      .filter((file) => /['"`](dev|staging|prod)['"`]/.test(readFileSync(file, 'utf8')))
      .map((file) => file.slice(root.length + 1));
    expect(offenders).toEqual([]);
  });
});
