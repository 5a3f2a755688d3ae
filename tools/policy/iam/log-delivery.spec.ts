import { resolveEnvironment } from '@relay/platform-config';
import { synthesizeStacks, type SynthesizedStack } from '@relay/emulators';
import { evaluate, type Request } from './evaluate';

/**
 * Every log the stacks send to the account's log bucket may land where its service writes it:
 * the destinations configured in platform-, web- and bootstrap-<env> against the log bucket's
 * policy in bootstrap-<env>, with the principals and request context AWS's log delivery uses.
 */
jest.setTimeout(120_000);

const stacks = synthesizeStacks();
const resourcesOf = (stack: SynthesizedStack, type: string) => Object.values(stack.resource[type] ?? {});

describe.each(['dev', 'stag', 'prod'])('log delivery into %s’s log bucket', (envName) => {
  const env = resolveEnvironment(envName);
  const bootstrap = stacks[`bootstrap-${envName}`]!;
  const bucketName = `relay-logs-${env.accountId}-${env.region}`;
  const [bucketId] = Object.entries(bootstrap.resource['aws_s3_bucket'] ?? {}).find(([, b]) => b['bucket'] === bucketName)!;
  const policy = resourcesOf(bootstrap, 'aws_s3_bucket_policy')
    .map((p) => String(p['policy']).replaceAll(`\${aws_s3_bucket.${bucketId}.arn}`, `arn:aws:s3:::${bucketName}`))
    .map((p) => JSON.parse(p) as unknown)
    .find((p) => JSON.stringify(p).includes(bucketName))!;
  const day = '2026/11/25';
  const put = (key: string, principal: Request['principal'], context: Request['context'] = {}) =>
    evaluate([policy], {
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${bucketName}/${key}`,
      principal,
      context: { 'aws:SecureTransport': true, ...context },
    });

  it('takes the VPC flow logs at the destination the platform stack configures', () => {
    const [flowLog] = resourcesOf(stacks[`platform-${envName}`]!, 'aws_flow_log');
    const prefix = String(flowLog!['log_destination']).replace(`arn:aws:s3:::${bucketName}/`, '');
    const key = `${prefix}AWSLogs/${env.accountId}/vpcflowlogs/${env.region}/${day}/flow.log.gz`;
    const context = { 'aws:SourceAccount': env.accountId, 's3:x-amz-acl': 'bucket-owner-full-control' };
    expect(put(key, { Service: 'delivery.logs.amazonaws.com' }, context)).toBe('allow');
    expect(put(key, { Service: 'delivery.logs.amazonaws.com' }, { ...context, 'aws:SourceAccount': '999999999999' })).toBe('implicit-deny');
  });

  it('takes the ALB access logs at the prefix the load balancer is given (where the API has one)', () => {
    const balancers = resourcesOf(stacks[`platform-${envName}`]!, 'aws_lb');
    if (env.apiFrontDoor === 'http-api') return expect(balancers).toHaveLength(0);
    const [lb] = balancers;
    const logs = lb!['access_logs'] as { bucket: string; prefix: string; enabled: boolean };
    expect(logs).toMatchObject({ bucket: bucketName, enabled: true });
    const key = `${logs.prefix}/AWSLogs/${env.accountId}/elasticloadbalancing/${env.region}/${day}/alb.log.gz`;
    expect(put(key, { AWS: 'arn:aws:iam::600734575887:root' })).toBe('allow');
    expect(put(key, { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' })).toBe('allow');
  });

  it('takes the S3 server access logs of the web and state buckets', () => {
    const loggings = [...resourcesOf(stacks[`web-${envName}`]!, 'aws_s3_bucket_logging'), ...resourcesOf(bootstrap, 'aws_s3_bucket_logging')];
    expect(loggings).toHaveLength(2);
    for (const logging of loggings) {
      const key = `${String(logging['target_prefix'])}${day.replaceAll('/', '-')}-00-00-00-ABC`;
      expect(put(key, { Service: 'logging.s3.amazonaws.com' }, { 'aws:SourceAccount': env.accountId })).toBe('allow');
    }
  });

  it('refuses plain HTTP to anyone, and other writers anywhere', () => {
    expect(put('alb/x', { AWS: 'arn:aws:iam::600734575887:root' }, { 'aws:SecureTransport': false })).toBe('explicit-deny');
    expect(put(`vpc-flow-logs/x/AWSLogs/${env.accountId}/y`, { Service: 'logging.s3.amazonaws.com' }, { 'aws:SourceAccount': env.accountId })).toBe(
      'implicit-deny',
    );
    expect(put(`s3/x`, { AWS: 'arn:aws:iam::999999999999:root' })).toBe('implicit-deny');
  });
});
