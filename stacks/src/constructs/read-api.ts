import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { type KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { API_LOGIN_ROLE, apiRouteKeys } from '@airfill/api';
import { Construct } from 'constructs';
import { type ReadApiAssets } from '../assets/read-api-assets';
import { arn } from '../iam/policy';
import { connectToDatabase } from '../iam/statements';
import { type Naming } from '../naming';
import { DashboardSite } from './dashboard-site';
import { type Database } from './database';
import { AirfillFunction } from './lambda-function';
import { type Network } from './network';

/** Props of {@link ReadApi}. */
export interface ReadApiProps {
  naming: Naming;
  assets: ReadApiAssets;
  network: Network;
  database: Database;
  /** Encrypts the function's and the access logs' log groups. */
  key: KmsKey;
}

/**
 * The read API and the dashboard of one environment:
 * - the API Lambda (the same Hono app as `airfill serve`) in the VPC, with a
 *   role that may only connect to Aurora as `airfill_api` (read-only role);
 * - an API Gateway HTTP API with exactly the app's routes, each behind IAM or
 *   a JWT authorizer from config, throttled per route, with access logs;
 * - the dashboard's files in a private bucket, served by CloudFront through
 *   origin access control, with `/api/*` forwarded to the API.
 */
export class ReadApi extends Construct {
  readonly function: AirfillFunction;
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;
  readonly accessLogs: CloudwatchLogGroup;
  readonly routes: Apigatewayv2Route[];
  /** The dashboard's bucket and CloudFront distribution. */
  readonly dashboard: DashboardSite;

  constructor(scope: Construct, id: string, props: ReadApiProps) {
    super(scope, id);
    const { naming, database, key } = props;
    const settings = naming.config.api;

    this.function = new AirfillFunction(this, 'function', {
      naming,
      app: 'api',
      description: 'The read API (sensors, series, runs, models, status) behind API Gateway; reads as airfill_readonly',
      bundleDir: props.assets.apiBundle,
      statements: [connectToDatabase(arn(naming, 'rds-db', `dbuser:${database.cluster.clusterResourceId}/${API_LOGIN_ROLE}`))],
      environment: {
        DB_HOST: database.cluster.endpoint,
        DB_PORT: String(database.port),
        DB_NAME: naming.config.database.databaseName,
        DB_USER: API_LOGIN_ROLE,
      },
      subnets: props.network.subnets,
      securityGroup: props.network.functionSecurityGroup,
      key,
      // It holds database connections (two per instance): reserved like the pipeline's database functions, where configured.
      reservedConcurrency: naming.config.functions.reservedConcurrency?.database,
    });

    this.api = new Apigatewayv2Api(this, 'http-api', {
      name: naming.name('api'),
      protocolType: 'HTTP',
      description: 'airfill read API',
    });
    const integration = new Apigatewayv2Integration(this, 'integration', {
      apiId: this.api.id,
      integrationType: 'AWS_PROXY',
      integrationUri: this.function.function.invokeArn,
      payloadFormatVersion: '2.0',
      timeoutMilliseconds: 15_000,
    });
    const authorizer =
      settings.auth.type === 'jwt'
        ? new Apigatewayv2Authorizer(this, 'jwt', {
            apiId: this.api.id,
            name: naming.name('api-jwt'),
            authorizerType: 'JWT',
            identitySources: ['$request.header.Authorization'],
            jwtConfiguration: { issuer: settings.auth.issuer, audience: settings.auth.audience },
          })
        : undefined;
    this.routes = apiRouteKeys().map(
      (routeKey) =>
        new Apigatewayv2Route(this, `route-${routeKey.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`, {
          apiId: this.api.id,
          routeKey,
          target: `integrations/${integration.id}`,
          authorizationType: authorizer ? 'JWT' : 'AWS_IAM',
          authorizerId: authorizer?.id,
        }),
    );

    this.accessLogs = new CloudwatchLogGroup(this, 'access-logs', {
      name: `/aws/apigateway/${naming.name('api')}`,
      retentionInDays: settings.accessLogRetentionDays,
      kmsKeyId: key.arn,
    });
    const unknownRoutes = Object.keys(settings.routeThrottles).filter((route) => !apiRouteKeys().includes(route));
    if (unknownRoutes.length > 0) throw new TypeError(`api.routeThrottles names routes the API does not have: ${unknownRoutes.join(', ')}`);
    this.stage = new Apigatewayv2Stage(this, 'stage', {
      apiId: this.api.id,
      name: '$default',
      autoDeploy: true,
      defaultRouteSettings: { throttlingBurstLimit: settings.throttle.burst, throttlingRateLimit: settings.throttle.ratePerSecond },
      routeSettings: Object.entries(settings.routeThrottles).map(([routeKey, limits]) => ({
        routeKey,
        throttlingBurstLimit: limits.burst,
        throttlingRateLimit: limits.ratePerSecond,
      })),
      accessLogSettings: {
        destinationArn: this.accessLogs.arn,
        format: JSON.stringify({
          requestId: '$context.requestId',
          time: '$context.requestTime',
          ip: '$context.identity.sourceIp',
          caller: '$context.identity.caller',
          user: '$context.authorizer.claims.sub',
          route: '$context.routeKey',
          status: '$context.status',
          latencyMs: '$context.responseLatency',
          integrationError: '$context.integrationErrorMessage',
          bytes: '$context.responseLength',
        }),
      },
      // The routes must exist before the stage deploys them.
      dependsOn: this.routes,
    });
    new LambdaPermission(this, 'invoke', {
      functionName: this.function.function.functionName,
      action: 'lambda:InvokeFunction',
      principal: 'apigateway.amazonaws.com',
      // Only this API, only its GET routes under /api.
      sourceArn: `${this.api.executionArn}/*/GET/api/*`,
    });

    this.dashboard = new DashboardSite(this, 'dashboard', { naming, dashboardDir: props.assets.dashboardDir, apiEndpoint: this.api.apiEndpoint });
  }
}
