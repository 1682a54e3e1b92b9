import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { filesUnder } from '../assets/read-api-assets';
import { type Naming } from '../naming';
import { SecureBucket } from './secure-bucket';

/** Props of {@link DashboardSite}. */
export interface DashboardSiteProps {
  naming: Naming;
  /** The dashboard's built files (`packages/dashboard/dist`). */
  dashboardDir: string;
  /** The HTTP API's endpoint (`https://<id>.execute-api.<region>.amazonaws.com`), the origin of `/api/*`. */
  apiEndpoint: string;
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
 * The dashboard's files in a private bucket, served by CloudFront through
 * origin access control over HTTPS only, with `/api/*` forwarded uncached to
 * the read API so page and API share one origin.
 */
export class DashboardSite extends Construct {
  readonly bucket: SecureBucket;
  readonly distribution: CloudfrontDistribution;

  constructor(scope: Construct, id: string, props: DashboardSiteProps) {
    super(scope, id);
    const { naming } = props;
    const settings = naming.config.api;

    // Static files only (no secrets): SSE-S3, which CloudFront's origin access control reads without a key grant.
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
          domainName: Fn.replace(props.apiEndpoint, 'https://', ''),
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
    this.bucket = new SecureBucket(this, 'files', {
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
    const bucket = this.bucket.bucket;

    for (const file of filesUnder(props.dashboardDir)) {
      if (file === 'dashboard-config.json') continue;
      const asset = new TerraformAsset(this, `file-${file.replace(/[^a-z0-9]+/gi, '-')}`, { path: `${props.dashboardDir}/${file}`, type: AssetType.FILE });
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
