import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { type KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { API_LOGIN_ROLE, apiRouteKeys } from '@airfill/api';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { filesUnder, type ReadApiAssets } from '../assets/read-api-assets';
import { arn } from '../iam/policy';
import { connectToDatabase } from '../iam/statements';
import { type Naming } from '../naming';
import { type Database } from './database';
import { AirfillFunction } from './lambda-function';
import { type Network } from './network';
import { SecureBucket } from './secure-bucket';

/** Props of {@link ReadApi}. */
export interface ReadApiProps {
  naming: Naming;
  assets: ReadApiAssets;
  network: Network;
  database: Database;
  /** Encrypts the function's and the access logs' log groups. */
  key: KmsKey;
}

/** AWS managed CloudFront policies (fixed ids). */
const MANAGED = {
  cachingOptimized: '658327ea-f89d-4fab-a63d-7e88639e58f6',
  cachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
  allViewerExceptHostHeader: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
  securityHeaders: '67f7725c-6f97-4210-82d7-5512b31e9d03',
};

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  png: 'image/png',
  svg: 'image/svg+xml',
};

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
  readonly dashboardBucket: SecureBucket;
  readonly distribution: CloudfrontDistribution;

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

    // The dashboard: static files only (no secrets), so SSE-S3, which CloudFront's origin access control reads without a key grant.
    const access = new CloudfrontOriginAccessControl(this, 'origin-access', {
      name: naming.name('dashboard'),
      originAccessControlOriginType: 's3',
      signingBehavior: 'always',
      signingProtocol: 'sigv4',
    });
    // The bucket's name is known before it exists, so the distribution can name its origin and the
    // bucket policy can name the distribution: no cycle between the two.
    const bucketName = naming.name(`dashboard-${naming.accountId}`);
    this.distribution = new CloudfrontDistribution(this, 'cdn', {
      enabled: true,
      comment: `${naming.prefix} dashboard and read API`,
      defaultRootObject: 'index.html',
      priceClass: settings.priceClass,
      httpVersion: 'http2and3',
      origin: [
        { originId: 'dashboard', domainName: `${bucketName}.s3.${naming.region}.amazonaws.com`, originAccessControlId: access.id },
        {
          originId: 'api',
          domainName: Fn.replace(this.api.apiEndpoint, 'https://', ''),
          customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: 'https-only', originSslProtocols: ['TLSv1.2'] },
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: 'dashboard',
        viewerProtocolPolicy: 'redirect-to-https',
        allowedMethods: ['GET', 'HEAD'],
        cachedMethods: ['GET', 'HEAD'],
        cachePolicyId: MANAGED.cachingOptimized,
        responseHeadersPolicyId: MANAGED.securityHeaders,
        compress: true,
      },
      orderedCacheBehavior: [
        {
          pathPattern: '/api/*',
          targetOriginId: 'api',
          viewerProtocolPolicy: 'https-only',
          allowedMethods: ['GET', 'HEAD', 'OPTIONS'],
          cachedMethods: ['GET', 'HEAD'],
          // The API answers with ETags; the edge passes requests (and their Authorization) through.
          cachePolicyId: MANAGED.cachingDisabled,
          originRequestPolicyId: MANAGED.allViewerExceptHostHeader,
          responseHeadersPolicyId: MANAGED.securityHeaders,
          compress: true,
        },
      ],
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      viewerCertificate: { cloudfrontDefaultCertificate: true, minimumProtocolVersion: 'TLSv1.2_2021' },
    });
    this.dashboardBucket = new SecureBucket(this, 'dashboard', {
      bucketName,
      forceDestroy: true,
      extraPolicyStatements: (bucketArn) => [
        {
          Sid: 'CloudFrontReadsDashboard',
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: `${bucketArn}/*`,
          Condition: { StringEquals: { 'AWS:SourceArn': this.distribution.arn } },
        },
      ],
    });
    const bucket = this.dashboardBucket.bucket;

    for (const file of filesUnder(props.assets.dashboardDir)) {
      if (file === 'dashboard-config.json') continue;
      const asset = new TerraformAsset(this, `file-${file.replace(/[^a-z0-9]+/gi, '-')}`, { path: `${props.assets.dashboardDir}/${file}`, type: AssetType.FILE });
      new S3Object(this, `object-${file.replace(/[^a-z0-9]+/gi, '-')}`, {
        bucket: bucket.id,
        key: file,
        source: asset.path,
        sourceHash: Fn.filemd5(asset.path),
        contentType: CONTENT_TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream',
        cacheControl: file === 'index.html' ? 'no-cache' : 'public, max-age=86400',
      });
    }
    new S3Object(this, 'object-dashboard-config', {
      bucket: bucket.id,
      key: 'dashboard-config.json',
      content: JSON.stringify({ tileUrl: settings.tileUrl, tileAttribution: settings.tileAttribution }),
      contentType: 'application/json',
      cacheControl: 'no-cache',
    });
  }
}
