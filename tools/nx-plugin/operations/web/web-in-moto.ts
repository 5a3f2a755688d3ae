import type { AwsCli } from '@relay/emulators';

/**
 * What an applied web stack leaves in an account for publish-web.sh, created in moto with the aws
 * CLI: the site bucket, a CloudFront distribution over it, and the two parameters naming them.
 */
export function seedWebInMoto(aws: AwsCli, envName: string, bucket: string): { distributionId: string } {
  aws('s3api', 'create-bucket', '--bucket', bucket, '--create-bucket-configuration', 'LocationConstraint=ap-northeast-2');
  const distributionConfig = {
    CallerReference: `relay-${envName}-web`,
    Comment: `relay-${envName} web client`,
    Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: 'site', DomainName: `${bucket}.s3.amazonaws.com`, S3OriginConfig: { OriginAccessIdentity: '' } }] },
    DefaultCacheBehavior: {
      TargetOriginId: 'site',
      ViewerProtocolPolicy: 'redirect-to-https',
      ForwardedValues: { QueryString: false, Cookies: { Forward: 'none' } },
      MinTTL: 0,
    },
  };
  const { Distribution } = aws.json('cloudfront', 'create-distribution', '--distribution-config', JSON.stringify(distributionConfig)) as {
    Distribution: { Id: string };
  };
  for (const [name, value] of [
    ['web/bucket', bucket],
    ['web/distribution-id', Distribution.Id],
  ] as const) {
    aws('ssm', 'put-parameter', '--name', `/relay/${envName}/${name}`, '--type', 'String', '--value', value);
  }
  return { distributionId: Distribution.Id };
}
