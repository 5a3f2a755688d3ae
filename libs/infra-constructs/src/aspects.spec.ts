import 'cdktf/lib/testing/adapters/jest';
import { Testing, TerraformStack } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { resolveEnvironment } from '@relay/platform-config';
import { policyDocument, policyViolations } from './iam';
import { RelayStack } from './relay-stack';
import { SecureBucket } from './secure-bucket';

const env = resolveEnvironment('dev-dana');

function stackWith(build: (stack: TerraformStack) => void): TerraformStack {
  const stack = new RelayStack(Testing.app(), 'test-stack', { env, component: 'test' });
  build(stack);
  return stack;
}

/** Full synth with validations, as `nx run stacks:synth` does it. */
const synthesize = (stack: TerraformStack) => Testing.synth(stack, true);

describe('PolicyAspect', () => {
  it('passes a stack that follows the policy', () => {
    const stack = stackWith((s) => {
      new SecureBucket(s, 'ok-bucket', { bucketName: 'relay-ok', versioned: false });
      new SqsQueue(s, 'ok-queue', { name: 'q', sqsManagedSseEnabled: true });
      new CloudwatchLogGroup(s, 'ok-logs', { name: 'l', retentionInDays: 7 });
    });
    expect(() => synthesize(stack)).not.toThrow();
  });

  it.each([
    [
      'wildcard-iam',
      (s: TerraformStack) => {
        const role = new IamRole(s, 'r', { assumeRolePolicy: '{}' });
        new IamRolePolicy(s, 'p', { role: role.id, policy: policyDocument([{ actions: ['dynamodb:*'], resources: ['arn:aws:dynamodb:::table/t'] }]) });
      },
    ],
    ['public-bucket', (s: TerraformStack) => void new S3Bucket(s, 'naked', { bucket: 'relay-naked' })],
    ['unencrypted-storage', (s: TerraformStack) => void new SqsQueue(s, 'plain', { name: 'plain' })],
    ['unbounded-logs', (s: TerraformStack) => void new CloudwatchLogGroup(s, 'forever', { name: 'forever' })],
  ])('fails synth on %s', (rule, build) => {
    expect(() => synthesize(stackWith(build))).toThrow(new RegExp(`policy ${rule}: aws_`));
  });
});

describe('policyViolations', () => {
  it('flags wildcard actions and Resource "*" except where AWS allows nothing else', () => {
    expect(policyViolations(policyDocument([{ actions: ['*'], resources: ['*'] }]))).toEqual(['wildcard action "*"', 'Resource "*" for *']);
    expect(policyViolations(policyDocument([{ actions: ['s3:GetObject'], resources: ['*'] }]))).toEqual(['Resource "*" for s3:GetObject']);
    expect(policyViolations(policyDocument([{ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }]))).toEqual([]);
  });
});

describe('TaggingAspect and the provider', () => {
  it('tags every taggable resource, keeps resource tags, and pins the account', () => {
    const stack = stackWith((s) => void new SqsQueue(s, 'q', { name: 'q', sqsManagedSseEnabled: true, tags: { team: 'chat' } }));
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(SqsQueue, {
      tags: {
        env: 'dev-dana',
        service: 'test',
        owner: 'dana',
        'cost-center': 'relay-nonprod',
        'managed-by': 'cdktf',
        'relay:env': 'dev-dana',
        'relay:stack': 'test-stack',
        ttl: '72h',
        team: 'chat',
      },
    });
    const json = JSON.parse(synth);
    expect(json.provider.aws[0]).toMatchObject({ allowed_account_ids: [env.accountId], assume_role: [{ role_arn: env.deployRoleArn }] });
    expect(json.terraform.backend.s3).toMatchObject({
      key: 'test/dev-dana.tfstate',
      use_lockfile: true,
      encrypt: true,
      assume_role: { role_arn: env.deployRoleArn },
    });
  });
});
