/**
 * Invariants of the read API and the dashboard in every environment (the
 * synthesized Terraform JSON), and of a JWT-authorized variant.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_LOGIN_ROLE, apiRouteKeys } from '@airfill/api';
import { App, Testing } from 'cdktf';
import { AirfillStack } from '../src/airfill-stack';
import { LAMBDA_APPS, type LambdaBundles } from '../src/assets/lambda-bundles';
import { writeModelArchive } from '../src/assets/model-archive';
import { ENVIRONMENT_CONFIGS, parseEnvironmentConfig, type EnvironmentConfig } from '../src/config';
import { list, rolePolicy, type Statement } from './support/policies';
import { resourceNamed, resourcesOf, standInModels, synthesizeAll, type Synthesized, type TerraformJson } from './support/synth';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesizeAll();
});

const environments = () => ['dev', 'staging', 'prod'];

describe.each(environments())('airfill-%s read API', (name) => {
  const stack = (): TerraformJson => synthesized.stacks[`airfill-${name}`]!;
  const config = (): EnvironmentConfig => synthesized.configs.find((c) => c.name === name)!;

  it('runs the API Lambda in the VPC with only the database settings, logging in as airfill_api', () => {
    const fn = resourceNamed(stack(), 'aws_lambda_function', 'read-api');
    expect(fn.function_name).toBe(`airfill-${name}-api`);
    expect((fn.vpc_config as { subnet_ids: string[] }).subnet_ids).toHaveLength(config().network.subnets.length);
    expect(Object.keys((fn.environment as { variables: Record<string, string> }).variables).sort()).toEqual(['DB_HOST', 'DB_NAME', 'DB_PORT', 'DB_USER']);
    expect((fn.environment as { variables: Record<string, string> }).variables.DB_USER).toBe(API_LOGIN_ROLE);
    expect(fn.reserved_concurrent_executions).toBe(config().functions.reservedConcurrency?.database);
  });

  it('lets the API role do nothing but write its logs, attach to the VPC, trace and connect as airfill_api', () => {
    const statements = rolePolicy(stack(), 'read-api_function');
    expect(statements.map((s) => s.Sid).sort()).toEqual(['ConnectAsAppUser', 'OwnLogs', 'Tracing', 'VpcAttachment']);
    const connect = statements.find((s) => s.Sid === 'ConnectAsAppUser')!;
    expect(connect.Action).toBe('rds-db:connect');
    expect(connect.Resource).toBe(`arn:aws:rds-db:${config().region}:${config().accountId}:dbuser:\${aws_rds_cluster.database_cluster_FAF2FB92.cluster_resource_id}/${API_LOGIN_ROLE}`);
    expect(statements.flatMap((s) => list(s.Action)).filter((a) => /^(s3|ssm|secretsmanager|kms|sagemaker|states):/.test(a))).toEqual([]);
  });

  it('routes exactly the app\u2019s routes to the Lambda, each behind IAM auth', () => {
    const routes = resourcesOf(stack(), 'aws_apigatewayv2_route').map(([, route]) => route);
    expect(routes.map((r) => r.route_key).sort()).toEqual(apiRouteKeys());
    for (const route of routes) expect({ key: route.route_key, auth: route.authorization_type }).toEqual({ key: route.route_key, auth: 'AWS_IAM' });
    expect(resourcesOf(stack(), 'aws_apigatewayv2_authorizer')).toEqual([]);
    const api = resourceNamed(stack(), 'aws_apigatewayv2_api', 'read-api');
    expect(api).toMatchObject({ name: `airfill-${name}-api`, protocol_type: 'HTTP' });
    expect(resourceNamed(stack(), 'aws_apigatewayv2_integration', 'read-api')).toMatchObject({ integration_type: 'AWS_PROXY', payload_format_version: '2.0' });
  });

  it('throttles every route, the expensive ones tighter, and writes access logs to an encrypted log group', () => {
    const stage = resourceNamed(stack(), 'aws_apigatewayv2_stage', 'read-api');
    expect(stage.default_route_settings).toEqual({ throttling_burst_limit: config().api.throttle.burst, throttling_rate_limit: config().api.throttle.ratePerSecond });
    const perRoute = Object.fromEntries((stage.route_settings as { route_key: string; throttling_burst_limit: number; throttling_rate_limit: number }[]).map((r) => [r.route_key, [r.throttling_burst_limit, r.throttling_rate_limit]]));
    expect(perRoute).toEqual(Object.fromEntries(Object.entries(config().api.routeThrottles).map(([key, t]) => [key, [t.burst, t.ratePerSecond]])));
    expect(perRoute['GET /api/series']).toBeDefined();
    const logs = stage.access_log_settings as { destination_arn: string; format: string };
    expect(logs.destination_arn).toMatch(/aws_cloudwatch_log_group\.read-api_access-logs/);
    expect(Object.keys(JSON.parse(logs.format) as object)).toEqual(expect.arrayContaining(['requestId', 'route', 'status', 'caller', 'latencyMs']));
    const group = resourceNamed(stack(), 'aws_cloudwatch_log_group', 'read-api_access-logs');
    expect(group).toMatchObject({ name: `/aws/apigateway/airfill-${name}-api`, retention_in_days: config().api.accessLogRetentionDays, kms_key_id: expect.stringMatching(/aws_kms_key\.encryption_key/) });
  });

  it('lets only this API invoke the function, only for GET under /api', () => {
    const permissions = resourcesOf(stack(), 'aws_lambda_permission').filter(([id]) => id.startsWith('read-api'));
    expect(permissions).toHaveLength(1);
    expect(permissions[0]![1]).toMatchObject({
      principal: 'apigateway.amazonaws.com',
      action: 'lambda:InvokeFunction',
      source_arn: expect.stringMatching(/^\$\{aws_apigatewayv2_api\.read-api_http-api_[A-Z0-9]+\.execution_arn\}\/\*\/GET\/api\/\*$/),
    });
  });

  it('keeps the dashboard in a private bucket that only this distribution may read, through origin access control', () => {
    const policy = JSON.parse(resourceNamed(stack(), 'aws_s3_bucket_policy', 'read-api_dashboard').policy as string) as { Statement: Statement[] };
    const allows = policy.Statement.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Sid: 'CloudFrontReadsDashboard',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: expect.stringMatching(/^\$\{aws_s3_bucket\.read-api_dashboard_files_bucket_[A-Z0-9]+\.arn\}\/\*$/),
        Condition: { StringEquals: { 'AWS:SourceArn': expect.stringMatching(/^\$\{aws_cloudfront_distribution\.read-api_dashboard_cdn_[A-Z0-9]+\.arn\}$/) } },
      },
    ]);
    expect(resourceNamed(stack(), 'aws_s3_bucket_public_access_block', 'read-api_dashboard')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(resourceNamed(stack(), 'aws_cloudfront_origin_access_control', 'read-api')).toMatchObject({ origin_access_control_origin_type: 's3', signing_behavior: 'always', signing_protocol: 'sigv4' });
  });

  it('serves the dashboard over HTTPS only, forwarding /api/* uncached to the API', () => {
    const cdn = resourceNamed(stack(), 'aws_cloudfront_distribution', 'read-api');
    const origins = cdn.origin as { origin_id: string; domain_name: string; origin_access_control_id?: string; custom_origin_config?: { origin_protocol_policy: string } }[];
    expect(origins.find((o) => o.origin_id === 'dashboard')).toMatchObject({
      domain_name: `airfill-${name}-dashboard-${config().accountId}.s3.${config().region}.amazonaws.com`,
      origin_access_control_id: expect.stringMatching(/aws_cloudfront_origin_access_control/),
    });
    expect(origins.find((o) => o.origin_id === 'api')?.custom_origin_config?.origin_protocol_policy).toBe('https-only');
    expect(cdn.default_cache_behavior).toMatchObject({ target_origin_id: 'dashboard', viewer_protocol_policy: 'redirect-to-https', allowed_methods: ['GET', 'HEAD'] });
    expect(cdn.ordered_cache_behavior).toEqual([
      expect.objectContaining({ path_pattern: '/api/*', target_origin_id: 'api', viewer_protocol_policy: 'https-only', cache_policy_id: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad' }),
    ]);
    expect(cdn.viewer_certificate).toMatchObject({ minimum_protocol_version: 'TLSv1.2_2021' });
  });

  it('uploads every dashboard file with its content type, and the config from the environment', () => {
    const objects = Object.fromEntries(resourcesOf(stack(), 'aws_s3_object').filter(([id]) => id.startsWith('read-api')).map(([, o]) => [o.key as string, o]));
    expect(Object.keys(objects).sort()).toEqual(['app.js', 'dashboard-config.json', 'index.html']);
    expect(objects['index.html']).toMatchObject({ content_type: 'text/html; charset=utf-8', cache_control: 'no-cache' });
    expect(objects['app.js']).toMatchObject({ content_type: 'text/javascript; charset=utf-8' });
    expect(JSON.parse(objects['dashboard-config.json']!.content as string)).toEqual({ tileUrl: config().api.tileUrl, tileAttribution: config().api.tileAttribution });
  });
});

/** Synthesizes one environment from dev's config with `api` replaced. */
function synthesizeWithApi(api: unknown): TerraformJson {
  const root = mkdtempSync(join(tmpdir(), 'airfill-read-api-'));
  const dist = (app: string) => {
    const dir = join(root, app);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.js'), 'exports.handler = async () => null;\n');
    writeFileSync(join(dir, 'index.html'), '<!doctype html>\n');
    return dir;
  };
  const bundles = Object.fromEntries(LAMBDA_APPS.map((app) => [app, dist(app)])) as unknown as LambdaBundles;
  const modelDir = dist('model');
  writeFileSync(join(modelDir, 'model.json'), '{}');
  const models = standInModels(writeModelArchive(modelDir, join(root, 'model-out')));
  const config = parseEnvironmentConfig({ ...(ENVIRONMENT_CONFIGS.dev as object), api }, 'dev with a test api');
  const readApi = { apiBundle: dist('api'), dashboardDir: dist('dashboard') };
  const stack = new AirfillStack(new App({ outdir: join(root, 'out') }), { config, bundles, readApi, models });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

describe('read API config', () => {
  it('puts every route behind a JWT authorizer of the configured issuer and audience', () => {
    const stack = synthesizeWithApi({ auth: { type: 'jwt', issuer: 'https://login.example.org/', audience: ['airfill'] }, tileUrl: 'https://tiles.example.org/{z}/{x}/{y}.png' });
    const [[, authorizer]] = resourcesOf(stack, 'aws_apigatewayv2_authorizer') as [[string, Record<string, unknown>]];
    expect(authorizer).toMatchObject({ authorizer_type: 'JWT', identity_sources: ['$request.header.Authorization'], jwt_configuration: { issuer: 'https://login.example.org/', audience: ['airfill'] } });
    const routes = resourcesOf(stack, 'aws_apigatewayv2_route').map(([, r]) => r);
    expect(routes).toHaveLength(apiRouteKeys().length);
    for (const route of routes) expect(route).toMatchObject({ authorization_type: 'JWT', authorizer_id: expect.stringMatching(/aws_apigatewayv2_authorizer/) });
    const config = resourcesOf(stack, 'aws_s3_object').find(([, o]) => o.key === 'dashboard-config.json')![1];
    expect(JSON.parse(config.content as string)).toEqual({ tileUrl: 'https://tiles.example.org/{z}/{x}/{y}.png', tileAttribution: '' });
  });

  it('refuses a JWT issuer that is not https, a tile URL without {z}/{x}/{y}, and throttles for routes the API lacks', () => {
    expect(() => parseEnvironmentConfig({ ...(ENVIRONMENT_CONFIGS.dev as object), api: { auth: { type: 'jwt', issuer: 'http://x.org', audience: ['a'] } } }, 'dev')).toThrow(/https/);
    expect(() => parseEnvironmentConfig({ ...(ENVIRONMENT_CONFIGS.dev as object), api: { tileUrl: 'https://tiles.example.org/tile.png' } }, 'dev')).toThrow(/\{z\}/);
    expect(() => synthesizeWithApi({ routeThrottles: { 'GET /api/nothing': { burst: 1, ratePerSecond: 1 } } })).toThrow(/GET \/api\/nothing/);
  });
});
