import { Construct } from 'constructs';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { logBucketName, type Environment } from '@relay/platform-config';
import { SecureBucket } from './secure-bucket';

/**
 * Where each log kind lands in the log bucket. ALB and flow-log delivery append
 * AWSLogs/<account>/… themselves; the bucket policy grants each service its own prefix only.
 */
export const LOG_PREFIXES = {
  alb: 'alb',
  cloudfront: 'cloudfront',
  s3: 's3',
  flowLogs: 'vpc-flow-logs',
} as const;

/**
 * Elastic Load Balancing's log-delivery account per region. Regions opened before August 2022
 * still deliver ALB access logs from this account rather than through the service principal.
 */
const ELB_LOG_ACCOUNTS: Record<string, string> = {
  'ap-northeast-2': '600734575887',
  'ap-northeast-1': '582318560864',
  'us-east-1': '127311923021',
  'eu-west-1': '156460612806',
};

/**
 * The account's log bucket: ALB and CloudFront access logs, S3 server access logs and VPC flow
 * logs of every environment in the account. SSE-S3 (ALB log delivery supports nothing else),
 * ACLs kept on only for CloudFront's ACL-based delivery, public access blocked, TLS required,
 * and objects expire after the environment's log retention.
 */
export class LogBucket extends Construct {
  readonly bucketName: string;
  /** A reference (not the literal name): resources in the same stack then wait for the bucket. */
  readonly bucketRef: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: { env: Environment }) {
    super(scope, id);
    const { env } = props;
    this.bucketName = logBucketName(env);
    const production = env.kind === 'prod';
    const { bucket } = new SecureBucket(this, 'bucket', {
      bucketName: this.bucketName,
      versioned: true,
      forceDestroy: !production,
      objectOwnership: 'BucketOwnerPreferred',
    });
    this.arn = bucket.arn;
    this.bucketRef = bucket.bucket;
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: bucket.id,
      rule: [
        {
          id: 'expire-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: env.retention.logDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    const sourceAccount = { StringEquals: { 'aws:SourceAccount': env.accountId } };
    const objects = (prefix: string) => `${bucket.arn}/${prefix}/*`;
    const elbAccount = ELB_LOG_ACCOUNTS[env.region];
    new S3BucketPolicy(this, 'policy', {
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'TlsOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [bucket.arn, `${bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          {
            Sid: 'AlbAccessLogs',
            Effect: 'Allow',
            Principal: elbAccount
              ? { AWS: `arn:aws:iam::${elbAccount}:root`, Service: 'logdelivery.elasticloadbalancing.amazonaws.com' }
              : { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `${bucket.arn}/${LOG_PREFIXES.alb}/AWSLogs/${env.accountId}/*`,
          },
          {
            Sid: 'S3ServerAccessLogs',
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: objects(LOG_PREFIXES.s3),
            Condition: sourceAccount,
          },
          {
            Sid: 'FlowLogsWrite',
            Effect: 'Allow',
            Principal: { Service: 'delivery.logs.amazonaws.com' },
            Action: 's3:PutObject',
            // Flow logs land under <prefix>/<vpc's env prefix>/AWSLogs/<account>/.
            Resource: `${bucket.arn}/${LOG_PREFIXES.flowLogs}/*/AWSLogs/${env.accountId}/*`,
            Condition: { StringEquals: { 'aws:SourceAccount': env.accountId, 's3:x-amz-acl': 'bucket-owner-full-control' } },
          },
          {
            Sid: 'FlowLogsCheckBucket',
            Effect: 'Allow',
            Principal: { Service: 'delivery.logs.amazonaws.com' },
            Action: ['s3:GetBucketAcl', 's3:ListBucket'],
            Resource: bucket.arn,
            Condition: sourceAccount,
          },
        ],
      }),
    });
  }
}
