import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import { resolveEnvironment } from '@relay/platform-config';
import { GithubDeployIdentity } from './github-deploy-identity';
import { policyViolations, RESOURCE_STAR_ACTIONS } from './iam';

const env = resolveEnvironment('prod');
type Resources = Record<string, Record<string, Record<string, unknown>>>;
const synth = JSON.parse(
  Testing.synthScope((scope) => {
    new GithubDeployIdentity(scope, 'gh', { env, repository: 'acme/relay', applyEnvironments: [{ environment: 'prod', workflow: 'deploy.yml' }] });
  }),
) as { resource: Resources };
const roles = Object.values(synth.resource['aws_iam_role']!);
const role = (name: string) => roles.find((r) => r['name'] === name)!;
const trust = (name: string) => JSON.parse(role(name)['assume_role_policy'] as string).Statement[0];

describe('GithubDeployIdentity load-test role', () => {
  it('lets only the nightly spike in stag read exactly its run parameters and publish its result', () => {
    const stag = resolveEnvironment('stag');
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        new GithubDeployIdentity(scope, 'gh', {
          env: stag,
          repository: 'acme/relay',
          applyEnvironments: [{ environment: 'stag', workflow: 'deploy.yml' }],
          loadTest: {
            environment: 'stag',
            workflow: 'nightly-spike.yml',
            parameters: ['/relay/stag/chat/ws-url'],
            metricsNamespace: 'Relay/LoadTest',
            fleet: false,
          },
        });
      }),
    ) as { resource: Resources };
    const loadtest = Object.values(json.resource['aws_iam_role']!).find((r) => r['name'] === 'relay-loadtest')!;
    expect(JSON.parse(loadtest['assume_role_policy'] as string).Statement[0].Condition.StringLike['token.actions.githubusercontent.com:sub']).toEqual([
      'repo:acme/relay:environment:stag:job_workflow_ref:acme/relay/.github/workflows/nightly-spike.yml@refs/heads/main',
    ]);
    const policy = Object.values(json.resource['aws_iam_role_policy']!).find((p) => p['name'] === 'run-and-report')!;
    expect(JSON.parse(policy['policy'] as string).Statement).toEqual([
      {
        Sid: 'RunParameters',
        Effect: 'Allow',
        Action: ['ssm:GetParameter'],
        Resource: ['arn:aws:ssm:ap-northeast-2:222222222222:parameter/relay/stag/chat/ws-url'],
      },
      {
        Sid: 'PublishResult',
        Effect: 'Allow',
        Action: ['cloudwatch:PutMetricData'],
        Resource: ['*'],
        Condition: { StringEquals: { 'cloudwatch:namespace': 'Relay/LoadTest' } },
      },
    ]);
  });
});

describe('GithubDeployIdentity', () => {
  it('lets only deploy.yml on main inside the prod GitHub Environment assume the deploy role', () => {
    expect(trust('relay-deploy')).toMatchObject({
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: {
          'token.actions.githubusercontent.com:sub': [
            'repo:acme/relay:environment:prod:job_workflow_ref:acme/relay/.github/workflows/deploy.yml@refs/heads/main',
          ],
        },
      },
    });
  });

  it('gives pull requests only the state-reading PR plan role, and main the read-only plan role', () => {
    expect(trust('relay-pr-plan').Condition.StringLike['token.actions.githubusercontent.com:sub']).toEqual([
      'repo:acme/relay:pull_request:job_workflow_ref:acme/relay/.github/workflows/pr.yml@refs/pull/*/merge',
    ]);
    expect(trust('relay-plan').Condition.StringLike['token.actions.githubusercontent.com:sub']).toEqual([
      'repo:acme/relay:ref:refs/heads/main:job_workflow_ref:acme/relay/.github/workflows/plan-env.yml@refs/heads/main',
    ]);
    const attachments = Object.values(synth.resource['aws_iam_role_policy_attachment']!);
    expect(attachments.map((a) => a['policy_arn'])).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
  });

  it('spells out every deploy action and scopes resources to the environment', () => {
    const policies = Object.values(synth.resource['aws_iam_role_policy']!).map((p) => JSON.parse(p['policy'] as string));
    for (const policy of policies) expect(policyViolations(JSON.stringify(policy))).toEqual([]);
    const deploy = policies.find((p) => p.Statement.some((s: { Sid: string }) => s.Sid === 'DynamoDbTables'));
    for (const statement of deploy.Statement as { Effect: string; Action: string[]; Resource: string[] }[]) {
      // Denies (the guardrails) may be as broad as they like.
      if (statement.Effect === 'Deny') continue;
      for (const resource of statement.Resource) {
        if (resource === '*') expect(statement.Action.every((a) => RESOURCE_STAR_ACTIONS.has(a))).toBe(true);
        // Route 53 ARNs carry no account: prod's own zone, and the change ids of its edits.
        else
          expect(resource).toMatch(
            /333333333333|relay-prod|relay-tfstate-333333333333|^arn:aws:apigateway:ap-northeast-2::|^arn:aws:route53:::(hostedzone\/Z03000000000000000PRD|change\/\*)$/,
          );
      }
    }
    expect(deploy.Statement.find((s: { Sid: string }) => s.Sid === 'BoundedRoleWrites').Resource).toEqual(['arn:aws:iam::333333333333:role/relay-prod-*']);
  });
});
