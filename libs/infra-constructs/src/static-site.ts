import { Construct } from 'constructs';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import type { Environment } from '@relay/platform-config';
import { SecureBucket } from './secure-bucket';

/** AWS-managed policies: CachingOptimized and SecurityHeadersPolicy. */
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const SECURITY_HEADERS = '67f7725c-6f97-4210-82d7-5512b31e9d03';

/** The web client: a private bucket readable only by its CloudFront distribution (OAC). */
export class StaticSite extends Construct {
  readonly distribution: CloudfrontDistribution;
  readonly bucketName: string;

  constructor(scope: Construct, id: string, props: { env: Environment; prefix: string }) {
    super(scope, id);
    const production = props.env.kind === 'prod';
    this.bucketName = `${props.prefix}-web-${props.env.accountId}`;
    const { bucket } = new SecureBucket(this, 'content', { bucketName: this.bucketName, versioned: production, forceDestroy: !production });
    const oac = new CloudfrontOriginAccessControl(this, 'oac', {
      name: `${props.prefix}-web`,
      originAccessControlOriginType: 's3',
      signingBehavior: 'always',
      signingProtocol: 'sigv4',
    });
    const originId = 'web-bucket';
    this.distribution = new CloudfrontDistribution(this, 'cdn', {
      enabled: true,
      comment: `${props.prefix} web client`,
      defaultRootObject: 'index.html',
      priceClass: production ? 'PriceClass_All' : 'PriceClass_200',
      httpVersion: 'http2and3',
      origin: [{ domainName: bucket.bucketRegionalDomainName, originId, originAccessControlId: oac.id }],
      defaultCacheBehavior: {
        targetOriginId: originId,
        allowedMethods: ['GET', 'HEAD'],
        cachedMethods: ['GET', 'HEAD'],
        viewerProtocolPolicy: 'redirect-to-https',
        compress: true,
        cachePolicyId: CACHING_OPTIMIZED,
        responseHeadersPolicyId: SECURITY_HEADERS,
      },
      // A single-page client: unknown paths (403 from a private bucket) serve the app.
      customErrorResponse: [{ errorCode: 403, responseCode: 200, responsePagePath: '/index.html', errorCachingMinTtl: 10 }],
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      viewerCertificate: { cloudfrontDefaultCertificate: true, minimumProtocolVersion: 'TLSv1.2_2021' },
    });
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
