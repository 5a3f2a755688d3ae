import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { CloudfrontResponseHeadersPolicy } from '@cdktf/provider-aws/lib/cloudfront-response-headers-policy';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import type { Environment } from '@relay/platform-config';
import { DnsValidatedCertificate } from './certificate';
import { SecureBucket } from './secure-bucket';

/** AWS-managed CachingOptimized cache policy. */
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';

export interface StaticSiteProps {
  env: Environment;
  prefix: string;
  /** The client's own name, with a certificate (from us-east-1, where CloudFront reads them). */
  domain?: { zoneId: string; host: string; certificateProvider: TerraformProvider };
  /** The account's log bucket: CloudFront standard logs and S3 server access logs. */
  logs: { bucketName: string; bucketDomainName: string; cloudfrontPrefix: string; s3Prefix: string };
  /** A CLOUDFRONT-scope WAF web ACL. */
  webAclArn?: string;
}

/** The web client: a private bucket readable only by its CloudFront distribution (OAC). */
export class StaticSite extends Construct {
  readonly distribution: CloudfrontDistribution;
  readonly bucketName: string;
  /** https://<name>, the domain's when there is one. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    super(scope, id);
    const production = props.env.kind === 'prod';
    this.bucketName = `${props.prefix}-web-${props.env.accountId}`;
    const { bucket } = new SecureBucket(this, 'content', {
      bucketName: this.bucketName,
      versioned: production,
      forceDestroy: !production,
      accessLogs: { bucket: props.logs.bucketName, prefix: `${props.logs.s3Prefix}/${this.bucketName}/` },
    });
    new S3BucketLifecycleConfiguration(this, 'content-lifecycle', {
      bucket: bucket.id,
      rule: [
        {
          id: 'tidy',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          // Hashed assets of old releases stay reachable for a week of cached index.html files.
          noncurrentVersionExpiration: [{ noncurrentDays: 7 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    const oac = new CloudfrontOriginAccessControl(this, 'oac', {
      name: `${props.prefix}-web`,
      originAccessControlOriginType: 's3',
      signingBehavior: 'always',
      signingProtocol: 'sigv4',
    });
    const headers = new CloudfrontResponseHeadersPolicy(this, 'security-headers', {
      name: `${props.prefix}-web-security-headers`,
      securityHeadersConfig: {
        strictTransportSecurity: { accessControlMaxAgeSec: 63_072_000, includeSubdomains: true, preload: false, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: 'DENY', override: true },
        referrerPolicy: { referrerPolicy: 'strict-origin-when-cross-origin', override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });
    const certificate = props.domain
      ? new DnsValidatedCertificate(this, 'certificate', {
          zoneId: props.domain.zoneId,
          domainName: props.domain.host,
          provider: props.domain.certificateProvider,
        })
      : undefined;
    const originId = 'web-bucket';
    this.distribution = new CloudfrontDistribution(this, 'cdn', {
      enabled: true,
      comment: `${props.prefix} web client`,
      aliases: props.domain ? [props.domain.host] : undefined,
      defaultRootObject: 'index.html',
      priceClass: production ? 'PriceClass_All' : 'PriceClass_200',
      httpVersion: 'http2and3',
      webAclId: props.webAclArn,
      origin: [{ domainName: bucket.bucketRegionalDomainName, originId, originAccessControlId: oac.id }],
      defaultCacheBehavior: {
        targetOriginId: originId,
        allowedMethods: ['GET', 'HEAD'],
        cachedMethods: ['GET', 'HEAD'],
        viewerProtocolPolicy: 'redirect-to-https',
        compress: true,
        cachePolicyId: CACHING_OPTIMIZED,
        responseHeadersPolicyId: headers.id,
      },
      // A single-page client: unknown paths (403 from a private bucket) serve the app.
      customErrorResponse: [{ errorCode: 403, responseCode: 200, responsePagePath: '/index.html', errorCachingMinTtl: 10 }],
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      loggingConfig: { bucket: props.logs.bucketDomainName, prefix: `${props.logs.cloudfrontPrefix}/${props.prefix}-web/`, includeCookies: false },
      // The TLS policy only takes effect with a certificate of our own; CloudFront's default
      // certificate always negotiates from TLSv1 and anything else there is a permanent diff.
      viewerCertificate: certificate
        ? { acmCertificateArn: certificate.arn, sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' }
        : { cloudfrontDefaultCertificate: true, minimumProtocolVersion: 'TLSv1' },
    });
    this.url = `https://${props.domain ? props.domain.host : this.distribution.domainName}`;
    if (props.domain) {
      for (const type of ['A', 'AAAA']) {
        new Route53Record(this, `alias-${type}`, {
          zoneId: props.domain.zoneId,
          name: props.domain.host,
          type,
          alias: { name: this.distribution.domainName, zoneId: this.distribution.hostedZoneId, evaluateTargetHealth: false },
        });
      }
    }
    new S3BucketPolicy(this, 'cdn-read', {
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'CloudFrontReadsThroughOAC',
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Resource: `${bucket.arn}/*`,
            Condition: { StringEquals: { 'AWS:SourceArn': this.distribution.arn } },
          },
        ],
      }),
    });
  }
}
