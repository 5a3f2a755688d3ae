import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { stateLocation, type Environment } from '@relay/platform-config';
import { SecureBucket } from './secure-bucket';

export type RoleMode = 'deploy' | 'plan' | 'ambient';

/** A stack's state file on the local backend (a bootstrap's first apply), beside its cdk.tf.json. */
export const localStateFile = (stackId: string) => `${stackId}.tfstate`;

export interface StateBackendProps {
  env: Environment;
  /** Component name: the state key is <component>/<env>.tfstate. */
  component: string;
  /** local is only for a bootstrap stack's first apply, before the state bucket exists. */
  kind?: 's3' | 'local';
  /**
   * deploy (default): assume the env's deploy role (people with SSO credentials);
   * plan: assume the read-only plan role; ambient: assume nothing and use the caller's
   * credentials as they are (CI, whose OIDC session already is the right role, so a plan made
   * read-only can be applied by the deploy role). allowed_account_ids guards every mode.
   */
  role?: RoleMode;
  /** The role `deploy` assumes where the env's deploy role may not apply this stack (the load-test edge's). */
  deployRoleArn?: string;
}

/**
 * Points a stack at its environment's account and nothing else: the AWS provider and the S3
 * backend both assume the environment's deploy role, and `allowed_account_ids` makes a plan
 * whose credentials land in any other account fail before it reads or changes anything.
 */
export class StateBackend extends Construct {
  private readonly providers = new Map<string, AwsProvider>();
  private readonly providerConfig: { allowedAccountIds: string[]; assumeRole?: { roleArn: string; sessionName: string }[] };

  /**
   * The provider for another region of the same account with the same role and account guard
   * (CloudFront's certificates and WAF live in us-east-1).
   */
  providerIn(region: string): AwsProvider {
    let provider = this.providers.get(region);
    if (!provider) {
      const stack = TerraformStack.of(this);
      provider = new AwsProvider(stack, `aws-${region}`, { ...this.providerConfig, region, alias: region.replaceAll('-', '_') });
      this.providers.set(region, provider);
    }
    return provider;
  }

  constructor(scope: Construct, id: string, props: StateBackendProps) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    const { env } = props;
    const session = `relay-${stack.node.id}`.slice(0, 64);
    const roleArn = { deploy: props.deployRoleArn ?? env.deployRoleArn, plan: env.planRoleArn, ambient: undefined }[props.role ?? 'deploy'];
    this.providerConfig = {
      allowedAccountIds: [env.accountId],
      assumeRole: roleArn ? [{ roleArn, sessionName: session }] : undefined,
    };
    new AwsProvider(stack, 'aws', { region: env.region, ...this.providerConfig });
    if ((props.kind ?? 's3') === 'local') {
      new LocalBackend(stack, { path: localStateFile(stack.node.id) });
      return;
    }
    const state = stateLocation(env, props.component);
    new S3Backend(stack, {
      bucket: state.bucket,
      key: state.key,
      region: state.region,
      encrypt: true,
      assumeRole: roleArn ? { roleArn, sessionName: session } : undefined,
    });
    // S3-native locking (Terraform >= 1.10); cdktf 0.21's backend config has no field for it.
    stack.addOverride('terraform.backend.s3.use_lockfile', true);
  }
}

/** The account's state bucket: versioned (state history), encrypted, private, never destroyed. */
/**
 * The state bucket's own policy, whatever identity policies say: no request without TLS, and no
 * principal from another account (state lists every resource's attributes, and a cross-account
 * grant added by mistake to some role or key would otherwise reach it).
 */
export function stateBucketPolicy(bucketName: string, accountId: string): string {
  const resources = [`arn:aws:s3:::${bucketName}`, `arn:aws:s3:::${bucketName}/*`];
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resources, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      {
        Sid: 'ThisAccountOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: resources,
        Condition: { StringNotEquals: { 'aws:PrincipalAccount': accountId } },
      },
    ],
  });
}

export class StateBucket extends Construct {
  readonly bucketName: string;

  constructor(scope: Construct, id: string, props: { env: Environment; accessLogs: { bucket: string; prefix: string } }) {
    super(scope, id);
    this.bucketName = stateLocation(props.env, 'any').bucket;
    // Who read or wrote state, and when: the state holds every resource's attributes.
    const { bucket } = new SecureBucket(this, 'bucket', { bucketName: this.bucketName, versioned: true, accessLogs: props.accessLogs });
    bucket.addOverride('lifecycle.prevent_destroy', true);
    new S3BucketPolicy(this, 'policy', { bucket: bucket.id, policy: stateBucketPolicy(this.bucketName, props.env.accountId) });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: bucket.id,
      rule: [
        {
          id: 'expire-old-state-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: 90, newerNoncurrentVersions: 20 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
  }
}
