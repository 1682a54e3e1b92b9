/**
 * One invariant per finding of the deploy-readiness review (issue 14). Each
 * failed on the stacks as they were and holds now; they read only the
 * synthesized Terraform, the workflows and the committed config.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAMBDA_APPS } from '../src/assets/lambda-bundles';
import { isAllowed, type AccessRequest } from './support/evaluate';
import { allowedActions, list } from './support/policies';
import { managedPolicyNamed, roleNamed, stacksWithBackend } from './support/roles';
import { resourceNamed, resourcesOf, synthesizeAll, type Synthesized } from './support/synth';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesizeAll();
});
const environments = () => synthesized.configs;
const envStack = (name: string) => synthesized.stacks[`airfill-${name}`]!;
const tagged = (env: string) => ({ 'aws:ResourceTag/environment': env, 'aws:RequestedRegion': 'eu-central-1' });

/** Requests on one environment's resources, all in `account` (the shared-account case the review describes). */
function requestsOn(env: string, account: string): Record<string, AccessRequest> {
  const region = 'eu-central-1';
  const context = tagged(env);
  return {
    'read the master secret': { action: 'secretsmanager:GetSecretValue', resource: `arn:aws:secretsmanager:${region}:${account}:secret:rds!cluster-0a1b2c-AbCdEf`, context },
    'lift deletion protection': { action: 'rds:ModifyDBCluster', resource: `arn:aws:rds:${region}:${account}:cluster:airfill-${env}-db`, context },
    'delete the database': { action: 'rds:DeleteDBCluster', resource: `arn:aws:rds:${region}:${account}:cluster:airfill-${env}-db`, context },
    'replace a function': { action: 'lambda:UpdateFunctionCode', resource: `arn:aws:lambda:${region}:${account}:function:airfill-${env}-migrate`, context },
    'decrypt with the data key': { action: 'kms:Decrypt', resource: `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, context },
    'rewrite a workload role': { action: 'iam:PutRolePolicy', resource: `arn:aws:iam::${account}:role/airfill-${env}-fn-migrate`, context: { ...context, 'iam:PermissionsBoundary': `arn:aws:iam::${account}:policy/airfill-${env}-boundary` } },
    'change the network': { action: 'ec2:AuthorizeSecurityGroupIngress', resource: `arn:aws:ec2:${region}:${account}:security-group/sg-0123456789abcdef0`, context },
  };
}

/** Data reads: what a plan must never need. */
function dataReadsOf(env: string, account: string): Record<string, AccessRequest> {
  const region = 'eu-central-1';
  const context = tagged(env);
  return {
    'a run object': { action: 's3:GetObject', resource: `arn:aws:s3:::airfill-${env}-data-${account}/retrieved_from_db/run-1/part-0.csv`, context },
    'a prediction': { action: 's3:GetObject', resource: `arn:aws:s3:::airfill-${env}-data-${account}/predicted_values_output/run-1/out.csv`, context },
    'the master secret': { action: 'secretsmanager:GetSecretValue', resource: `arn:aws:secretsmanager:${region}:${account}:secret:rds!cluster-0a1b2c-AbCdEf`, context },
    'a task token': { action: 'ssm:GetParameter', resource: `arn:aws:ssm:${region}:${account}:parameter/airfill/${env}/jobs/airfill-${env}-run-1`, context },
    'the data key': { action: 'kms:Decrypt', resource: `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, context },
    'log events': { action: 'logs:GetLogEvents', resource: `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/airfill-${env}-migrate:log-stream:x`, context },
    'dead letters': { action: 'sqs:ReceiveMessage', resource: `arn:aws:sqs:${region}:${account}:airfill-${env}-transform-callback-dlq`, context },
    'execution input': { action: 'states:GetExecutionHistory', resource: `arn:aws:states:${region}:${account}:execution:airfill-${env}-pipeline:run-1`, context },
  };
}

describe('finding 1: one coherent account model', () => {
  it.each(['dev', 'staging', 'prod'])('bootstraps %s in its own account: state bucket, boundary and deploy role where its stack deploys', (env) => {
    const config = environments().find((c) => c.name === env)!;
    const backend = envStack(env).terraform.backend!.s3!;
    const bootstraps = stacksWithBackend(synthesized.stacks, 'local').filter(([, stack]) =>
      resourcesOf(stack, 'aws_s3_bucket').some(([, bucket]) => bucket.bucket === backend.bucket),
    );
    expect(bootstraps).toHaveLength(1);
    const [, bootstrap] = bootstraps[0]!;
    expect(bootstrap.provider.aws![0]).toMatchObject({ region: config.region, allowed_account_ids: [config.accountId] });
    const boundaryArn = resourcesOf(envStack(env), 'aws_iam_role').map(([, role]) => role.permissions_boundary);
    const boundary = managedPolicyNamed(synthesized.stacks, `airfill-${env}-boundary`);
    expect(boundary.provider).toMatchObject({ allowed_account_ids: [config.accountId] });
    expect(new Set(boundaryArn)).toEqual(new Set([`arn:aws:iam::${config.accountId}:policy/airfill-${env}-boundary`]));
    expect(roleNamed(synthesized.stacks, `airfill-${env}-deploy`).stack).toBe(bootstraps[0]![0]);
  });

  it('gives every account its own state bucket name (bucket names are global)', () => {
    const names = stacksWithBackend(synthesized.stacks, 's3').map(([, stack]) => String(stack.terraform.backend!.s3!.bucket));
    expect(names).toHaveLength(environments().length);
    expect(new Set(names).size).toBe(names.length);
    for (const config of environments()) expect(String(envStack(config.name).terraform.backend!.s3!.bucket)).toContain(config.accountId);
  });

  it('encrypts every state bucket with its own KMS key, and every state object with it', () => {
    for (const [name, stack] of stacksWithBackend(synthesized.stacks, 'local')) {
      const encryption = resourcesOf(stack, 'aws_s3_bucket_server_side_encryption_configuration').map(([, e]) => e.rule);
      expect({ name, encryption }).toEqual({
        name,
        encryption: [[{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: expect.stringMatching(/aws_kms_key\./) }, bucket_key_enabled: true }]],
      });
    }
    for (const [name, stack] of stacksWithBackend(synthesized.stacks, 's3')) {
      expect({ name, kms: stack.terraform.backend!.s3!.kms_key_id }).toEqual({ name, kms: expect.stringMatching(/^alias\/airfill-[a-z]+-tfstate$/) });
    }
  });
});

describe('finding 2: deploy roles and boundaries hold to their environment', () => {
  it.each(['dev', 'staging', 'prod'])('grants the %s deploy role no service-wide action and nothing unscoped but listed reads', (env) => {
    const role = roleNamed(synthesized.stacks, `airfill-${env}-deploy`);
    expect(allowedActions(role.statements).filter((action) => action === '*' || action.endsWith(':*'))).toEqual([]);
    const unscoped = role.statements
      .filter((s) => s.Effect === 'Allow' && list(s.Resource).includes('*') && s.Condition === undefined)
      .flatMap((s) => list(s.Action).filter((action) => !/^[a-z0-9-]+:(Describe|List)[A-Za-z]*$/.test(action)));
    expect(unscoped).toEqual([]);
    expect(role.managedPolicies).toEqual([]);
  });

  it.each(Object.keys(requestsOn('prod', '0')).filter((what) => what !== 'read the master secret'))(
    'lets the dev deploy role %s in dev, never in prod (even in one account)',
    (what) => {
      const account = environments().find((c) => c.name === 'dev')!.accountId;
      const dev = roleNamed(synthesized.stacks, 'airfill-dev-deploy').statements;
      expect(isAllowed(dev, requestsOn('prod', account)[what]!)).toBe(false);
      expect(isAllowed(dev, requestsOn('dev', account)[what]!)).toBe(true);
    },
  );

  it('never lets a deploy role read secret values, not even its own environment\u2019s', () => {
    for (const config of environments()) {
      const role = roleNamed(synthesized.stacks, `airfill-${config.name}-deploy`);
      expect(isAllowed(role.statements, requestsOn(config.name, config.accountId)['read the master secret']!)).toBe(false);
    }
  });

  it.each([
    ['s3:GetObject', (env: string, account: string) => `arn:aws:s3:::airfill-${env}-data-${account}/retrieved_from_db/r/x.csv`],
    ['ssm:GetParameter', (env: string, account: string) => `arn:aws:ssm:eu-central-1:${account}:parameter/airfill/${env}/jobs/j`],
    ['kms:Decrypt', (_env: string, account: string) => `arn:aws:kms:eu-central-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
    ['lambda:InvokeFunction', (env: string, account: string) => `arn:aws:lambda:eu-central-1:${account}:function:airfill-${env}-migrate`],
    ['sagemaker:CreateTransformJob', (env: string, account: string) => `arn:aws:sagemaker:eu-central-1:${account}:transform-job/airfill-${env}-run-1`],
  ] as const)('the dev permissions boundary allows %s on dev resources and not on prod ones', (action, resourceOf) => {
    const account = environments().find((c) => c.name === 'dev')!.accountId;
    const boundary = managedPolicyNamed(synthesized.stacks, 'airfill-dev-boundary').statements;
    const request = (env: string): AccessRequest => ({ action, resource: resourceOf(env, account), context: tagged(env) });
    expect(isAllowed(boundary, request('dev'))).toBe(true);
    expect(isAllowed(boundary, request('prod'))).toBe(false);
  });
});

describe('finding 3: pull requests get no production access', () => {
  it('plans production from the main branch only', () => {
    for (const config of environments().filter((c) => c.production)) {
      const subjects = roleNamed(synthesized.stacks, `airfill-${config.name}-plan`).trust.flatMap((s) => list(s.Condition?.StringEquals?.['token.actions.githubusercontent.com:sub'] as string[]));
      expect(subjects).toEqual([`repo:${config.ci.githubRepository}:ref:refs/heads/main`]);
    }
    expect(environments().filter((c) => c.production).map((c) => c.name)).toEqual(['prod']);
  });

  it.each(Object.keys(dataReadsOf('dev', '0')))('lets no plan role read %s, and no managed policy widen it', (what) => {
    for (const config of environments()) {
      const plan = roleNamed(synthesized.stacks, `airfill-${config.name}-plan`);
      expect({ env: config.name, managed: plan.managedPolicies }).toEqual({ env: config.name, managed: [] });
      expect({ env: config.name, allowed: isAllowed(plan.statements, dataReadsOf(config.name, config.accountId)[what]!) }).toEqual({ env: config.name, allowed: false });
    }
  });

  it("lets a plan role read its own environment's state and not write it", () => {
    for (const config of environments()) {
      const plan = roleNamed(synthesized.stacks, `airfill-${config.name}-plan`).statements;
      const read = plan.find((s) => s.Sid === 'StateRead')!;
      expect(list(read.Resource).length).toBeGreaterThan(0);
      expect(list(read.Resource).filter((r) => !r.includes(`/airfill/${config.name}/terraform.tfstate`))).toEqual([]);
      expect(allowedActions(plan).filter((a) => /^s3:(Put|Delete)/.test(a))).toEqual([]);
    }
  });
});

describe('finding 5: a supported Lambda runtime', () => {
  /** AWS's published deprecation dates (Lambda runtimes page). */
  const DEPRECATION: Record<string, string> = { 'nodejs18.x': '2025-09-01', 'nodejs20.x': '2026-04-30', 'nodejs22.x': '2027-04-30' };

  it('runs every Lambda on a runtime AWS has not deprecated, the one the bundles target', () => {
    const bundler = readFileSync(join(__dirname, '..', '..', 'scripts', 'bundle-lambda.mjs'), 'utf8');
    const target = /target: 'node(\d+)'/.exec(bundler)?.[1];
    for (const config of environments()) {
      const runtimes = resourcesOf(envStack(config.name), 'aws_lambda_function').map(([, fn]) => String(fn.runtime));
      // The pipeline's Lambdas and the read API.
      expect(runtimes).toHaveLength(LAMBDA_APPS.length + 1);
      for (const runtime of new Set(runtimes)) {
        expect(DEPRECATION[runtime]).toBeDefined();
        expect({ runtime, deprecatedBy: new Date(DEPRECATION[runtime]!) > new Date() }).toEqual({ runtime, deprecatedBy: true });
        expect(runtime).toBe(`nodejs${target}.x`);
      }
    }
  });
});

describe('finding 6: alarms reach someone, flow logs, tracing', () => {
  it('subscribes at least one address to the alarm topic of prod, a production environment', () => {
    expect(environments().filter((c) => c.production).map((c) => c.name)).toEqual(['prod']);
    const subscriptions = resourcesOf(envStack('prod'), 'aws_sns_topic_subscription').map(([, s]) => s);
    expect(subscriptions.length).toBeGreaterThanOrEqual(1);
    for (const subscription of subscriptions) expect(subscription).toMatchObject({ protocol: 'email', topic_arn: expect.stringMatching(/aws_sns_topic\.monitoring_alarms/) });
  });

  it.each(['dev', 'staging', 'prod'])('logs the %s VPC traffic into a KMS-encrypted log group', (env) => {
    const logs = resourcesOf(envStack(env), 'aws_flow_log').map(([, f]) => f);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ vpc_id: expect.stringMatching(/aws_vpc\./), log_destination: expect.stringMatching(/aws_cloudwatch_log_group\./), traffic_type: 'ALL' });
    const group = String(logs[0]!.log_destination).match(/aws_cloudwatch_log_group\.([^.]+)\./)![1]!;
    expect(envStack(env).resource.aws_cloudwatch_log_group![group]!.kms_key_id).toMatch(/aws_kms_key\./);
  });

  it.each(['dev', 'staging', 'prod'])('traces every %s Lambda actively, with the right to send segments', (env) => {
    const functions = resourcesOf(envStack(env), 'aws_lambda_function');
    expect(functions).toHaveLength(LAMBDA_APPS.length + 1);
    for (const [id, fn] of functions) {
      expect({ id, tracing: fn.tracing_config }).toEqual({ id, tracing: { mode: 'Active' } });
      const role = roleNamed({ env: envStack(env) }, String(resourcesOf(envStack(env), 'aws_iam_role').find(([roleId]) => String(fn.role).includes(`aws_iam_role.${roleId}.`))![1].name));
      expect(allowedActions(role.statements)).toEqual(expect.arrayContaining(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']));
    }
  });
});

describe('finding 7: no drift, and a second deploy or destroy succeeds', () => {
  it.each(['dev', 'staging', 'prod'])('pins the %s engine exactly with automatic minor upgrades off', (env) => {
    expect(String(resourceNamed(envStack(env), 'aws_rds_cluster', 'database_cluster').engine_version)).toMatch(/^16\.\d+$/);
    for (const [, instance] of resourcesOf(envStack(env), 'aws_rds_cluster_instance')) {
      expect(instance.auto_minor_version_upgrade).toBe(false);
      expect(instance.engine_version).toBeUndefined();
    }
  });

  it('names each final snapshot uniquely, fixed when the cluster is created', () => {
    const snapshotting = environments().filter((c) => c.database.finalSnapshot);
    expect(snapshotting.length).toBeGreaterThan(0);
    for (const config of snapshotting) {
      const cluster = resourceNamed(envStack(config.name), 'aws_rds_cluster', 'database_cluster');
      expect(cluster.final_snapshot_identifier).toMatch(/timestamp\(\)/);
      expect((cluster.lifecycle as { ignore_changes?: string[] } | undefined)?.ignore_changes).toContain('final_snapshot_identifier');
    }
  });

  it('reserves Lambda concurrency nowhere the config does not ask for it', () => {
    for (const config of environments()) {
      const reserved = resourcesOf(envStack(config.name), 'aws_lambda_function').filter(([, fn]) => fn.reserved_concurrent_executions !== undefined);
      expect({ env: config.name, reserved: reserved.length }).toEqual({ env: config.name, reserved: config.functions.reservedConcurrency ? 5 : 0 });
    }
  });
});

describe('finding 8: nothing paid for that nothing uses', () => {
  /** The interface endpoint each AWS SDK client a Lambda bundles needs (S3 goes through the free gateway). */
  const ENDPOINT_OF: Record<string, string | undefined> = {
    '@aws-sdk/client-s3': undefined,
    '@aws-sdk/client-sagemaker': 'sagemaker.api',
    '@aws-sdk/client-ssm': 'ssm',
    '@aws-sdk/client-sfn': 'states',
    '@aws-sdk/client-secrets-manager': 'secretsmanager',
  };
  const clientsOfLambdas = (): string[] => {
    const root = join(__dirname, '..', '..');
    const packages = LAMBDA_APPS.map((app) => join(root, 'apps', app, 'package.json'));
    const workspaceDeps = (file: string, seen: Set<string>): string[] => {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { dependencies?: Record<string, string> };
      return Object.keys(manifest.dependencies ?? {}).flatMap((dep) => {
        if (dep.startsWith('@airfill/') && !seen.has(dep)) {
          seen.add(dep);
          return workspaceDeps(join(root, 'packages', dep.slice('@airfill/'.length), 'package.json'), seen);
        }
        return dep.startsWith('@aws-sdk/client-') ? [dep] : [];
      });
    };
    return [...new Set(packages.flatMap((file) => workspaceDeps(file, new Set())))].sort();
  };

  it('opens an interface endpoint exactly for each AWS API the Lambdas call', () => {
    const clients = clientsOfLambdas();
    expect(clients.length).toBeGreaterThan(0);
    for (const client of clients) expect({ client, known: client in ENDPOINT_OF }).toEqual({ client, known: true });
    const needed = clients.map((client) => ENDPOINT_OF[client]).filter((e): e is string => e !== undefined).sort();
    for (const config of environments()) {
      const interfaces = resourcesOf(envStack(config.name), 'aws_vpc_endpoint')
        .filter(([, e]) => e.vpc_endpoint_type === 'Interface')
        .map(([, e]) => String(e.service_name).replace(`com.amazonaws.${config.region}.`, ''))
        .sort();
      expect({ env: config.name, interfaces }).toEqual({ env: config.name, interfaces: needed });
    }
  });

  it('gives the SageMaker role no ECR rights: SageMaker pulls its own image', () => {
    for (const config of environments()) {
      const role = roleNamed({ env: envStack(config.name) }, `airfill-${config.name}-sagemaker`);
      expect(allowedActions(role.statements).filter((a) => a.startsWith('ecr:'))).toEqual([]);
    }
  });
});
