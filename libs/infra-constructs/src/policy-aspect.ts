import { TerraformStack, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { policyViolations } from './iam';

export interface Violation {
  /** Terraform address, e.g. aws_s3_bucket.web_content_bucket_1A2B3C. */
  address: string;
  /** Construct path, for finding it in code. */
  path: string;
  rule: 'wildcard-iam' | 'public-bucket' | 'unencrypted-storage' | 'unbounded-logs';
  message: string;
}

type Resources = Record<string, Record<string, Record<string, unknown>>>;

const BROAD_MANAGED_POLICIES = /(AdministratorAccess|PowerUserAccess|FullAccess)$/;

/**
 * Fails synth when a stack would create wildcard IAM, a public or unencrypted bucket, an
 * unencrypted queue, topic or table, or a log group that keeps logs forever. It checks the
 * resolved Terraform JSON of the whole stack, i.e. exactly what would be applied: a bucket
 * is only safe together with its public access block and encryption, separate resources.
 */
export class PolicyAspect implements IAspect {
  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    node.node.addValidation({
      validate: () => findViolations(node.toTerraform() as { resource?: Resources }).map((v) => `policy ${v.rule}: ${v.address} (${v.path}): ${v.message}`),
    });
  }
}

export function findViolations(terraform: { resource?: Resources }): Violation[] {
  const resources = terraform.resource ?? {};
  const of = (type: string) => Object.entries(resources[type] ?? {});
  const violations: Violation[] = [];
  const add = (type: string, name: string, config: Record<string, unknown>, rule: Violation['rule'], message: string) => {
    const path = (config['//'] as { metadata?: { path?: string } } | undefined)?.metadata?.path ?? '';
    violations.push({ address: `${type}.${name}`, path, rule, message });
  };
  const refersTo = (value: unknown, type: string, name: string) => value === `\${${type}.${name}.id}` || value === `\${${type}.${name}.bucket}`;

  for (const type of ['aws_iam_role_policy', 'aws_iam_policy']) {
    for (const [name, config] of of(type)) {
      for (const problem of policyViolations(String(config['policy'] ?? ''))) add(type, name, config, 'wildcard-iam', problem);
    }
  }
  for (const [name, config] of of('aws_iam_role_policy_attachment')) {
    const arn = String(config['policy_arn'] ?? '');
    if (BROAD_MANAGED_POLICIES.test(arn)) add('aws_iam_role_policy_attachment', name, config, 'wildcard-iam', `attaches broad managed policy ${arn}`);
  }
  for (const [name, config] of of('aws_s3_bucket')) {
    const block = of('aws_s3_bucket_public_access_block').find(([, b]) => refersTo(b['bucket'], 'aws_s3_bucket', name))?.[1];
    const blocked = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].every((k) => block?.[k] === true);
    if (!blocked) add('aws_s3_bucket', name, config, 'public-bucket', 'needs a public access block with all four settings on');
    const encrypted = of('aws_s3_bucket_server_side_encryption_configuration').some(([, e]) => refersTo(e['bucket'], 'aws_s3_bucket', name));
    if (!encrypted) add('aws_s3_bucket', name, config, 'unencrypted-storage', 'has no server-side encryption configuration');
  }
  for (const [name, config] of of('aws_s3_bucket_acl')) {
    const acl = String(config['acl'] ?? '');
    if (acl.startsWith('public') || acl === 'authenticated-read') add('aws_s3_bucket_acl', name, config, 'public-bucket', `canned ACL ${acl}`);
  }
  for (const [name, config] of of('aws_sqs_queue')) {
    if (config['sqs_managed_sse_enabled'] !== true && !config['kms_master_key_id'])
      add('aws_sqs_queue', name, config, 'unencrypted-storage', 'queue is not encrypted');
  }
  for (const [name, config] of of('aws_sns_topic')) {
    if (!config['kms_master_key_id']) add('aws_sns_topic', name, config, 'unencrypted-storage', 'topic has no KMS key');
  }
  for (const [name, config] of of('aws_dynamodb_table')) {
    const sse = config['server_side_encryption'] as { enabled?: unknown } | undefined;
    if (sse?.enabled !== true) add('aws_dynamodb_table', name, config, 'unencrypted-storage', 'table needs server-side encryption with a KMS key');
  }
  for (const [name, config] of of('aws_cloudwatch_log_group')) {
    if (config['retention_in_days'] === undefined) add('aws_cloudwatch_log_group', name, config, 'unbounded-logs', 'log group needs a retention period');
  }
  return violations;
}
