import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';

export interface SecureBucketProps {
  bucketName: string;
  versioned: boolean;
  /** Allow terraform destroy to empty the bucket (previews and non-prod only). */
  forceDestroy?: boolean;
  /**
   * BucketOwnerEnforced (default) turns ACLs off. Only the log bucket keeps them on
   * (BucketOwnerPreferred), because CloudFront's standard logs are delivered through an ACL.
   */
  objectOwnership?: 'BucketOwnerEnforced' | 'BucketOwnerPreferred';
  /** S3 server access logs into the account's log bucket, under this prefix. */
  accessLogs?: { bucket: string; prefix: string };
}

/** A private bucket: no ACLs, every public path blocked, encrypted at rest. */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: props.forceDestroy ?? false });
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket: this.bucket.id,
      rule: { objectOwnership: props.objectOwnership ?? 'BucketOwnerEnforced' },
    });
    new S3BucketPublicAccessBlock(this, 'public-access', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
    });
    if (props.accessLogs) {
      new S3BucketLoggingA(this, 'access-logs', { bucket: this.bucket.id, targetBucket: props.accessLogs.bucket, targetPrefix: props.accessLogs.prefix });
    }
    if (props.versioned) {
      new S3BucketVersioningA(this, 'versioning', { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } });
    }
  }
}
