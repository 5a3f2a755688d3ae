import { resolveEnvironment, stateLocation } from '@relay/platform-config';
import { synthesizeStacks } from '@relay/emulators';
import { evaluate } from './evaluate';

/**
 * The state bucket's policy, as synthesized, refuses every request without TLS and every
 * principal of another account, whatever their own policies allow.
 */
jest.setTimeout(120_000);

const stacks = synthesizeStacks({ RELAY_COMPONENTS: 'bootstrap' });

describe.each(['dev', 'stag', 'prod'])('the %s state bucket', (envName) => {
  const env = resolveEnvironment(envName);
  const { bucket, key } = stateLocation(env, 'chat');
  const stack = stacks[`bootstrap-${envName}`]!;
  const bucketId = Object.entries(stack.resource['aws_s3_bucket'] ?? {}).find(([, c]) => c['bucket'] === bucket)?.[0];
  const policy = Object.values(stack.resource['aws_s3_bucket_policy'] ?? {}).find((p) => p['bucket'] === `\${aws_s3_bucket.${bucketId}.id}`)?.['policy'];
  const ask = (action: string, account: string, tls: boolean) =>
    evaluate([policy], {
      action,
      resource: `arn:aws:s3:::${bucket}/${key}`,
      principal: { AWS: `arn:aws:iam::${account}:role/relay-deploy` },
      context: { 'aws:SecureTransport': tls, 'aws:PrincipalAccount': account },
    });

  it('has a bucket policy', () => {
    expect(policy).toBeDefined();
  });

  it('refuses plain HTTP and other accounts, and leaves its own account to IAM', () => {
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']) {
      expect({ action, decision: ask(action, env.accountId, false) }).toEqual({ action, decision: 'explicit-deny' });
      expect({ action, decision: ask(action, '999999999999', true) }).toEqual({ action, decision: 'explicit-deny' });
      // No Allow here: the account's own roles get exactly what their IAM policies give.
      expect({ action, decision: ask(action, env.accountId, true) }).toEqual({ action, decision: 'implicit-deny' });
    }
  });
});
