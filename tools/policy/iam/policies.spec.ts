import { GITHUB_REPOSITORY, resolveEnvironment, stateLocation } from '@relay/platform-config';
import { synthesizeStacks } from '@relay/emulators';
import { evaluate, type Decision } from './evaluate';
import { rolesOf, type SynthesizedRole } from './synthesized-roles';

/**
 * Who can assume what, and what each GitHub role can then do, evaluated over the synthesized
 * Terraform JSON (what would be applied), not over the TypeScript that produced it.
 */
jest.setTimeout(120_000);

const ISSUER = 'token.actions.githubusercontent.com';
const R = GITHUB_REPOSITORY;

/** GitHub's OIDC subject under the repository's template (repo, context, job_workflow_ref). */
const workflows = (file: string, ref: string, repo = R) => `job_workflow_ref:${repo}/.github/workflows/${file}@${ref}`;
const SCENARIOS = {
  'a PR from a branch': `repo:${R}:pull_request:${workflows('pr.yml', 'refs/pull/42/merge')}`,
  // A fork's pull_request run happens in the base repository, with the same claims shape.
  'a PR from a fork': `repo:${R}:pull_request:${workflows('pr.yml', 'refs/pull/43/merge')}`,
  "a PR's own workflow file": `repo:${R}:pull_request:${workflows('evil.yml', 'refs/pull/42/merge')}`,
  'a push to main (plan)': `repo:${R}:ref:refs/heads/main:${workflows('plan-env.yml', 'refs/heads/main')}`,
  'a branch push (plan-env.yml)': `repo:${R}:ref:refs/heads/feature:${workflows('plan-env.yml', 'refs/heads/feature')}`,
  'the prod Environment': `repo:${R}:environment:prod:${workflows('deploy.yml', 'refs/heads/main')}`,
  'the stag Environment': `repo:${R}:environment:stag:${workflows('deploy.yml', 'refs/heads/main')}`,
  'the dev Environment': `repo:${R}:environment:dev:${workflows('deploy.yml', 'refs/heads/main')}`,
  'the prod Environment from a branch': `repo:${R}:environment:prod:${workflows('deploy.yml', 'refs/heads/feature')}`,
  // The old route: a pull request's own preview.yml, which it can rewrite, inside the Environment.
  "a PR's preview.yml in the preview Environment": `repo:${R}:environment:preview:${workflows('preview.yml', 'refs/pull/42/merge')}`,
  "a PR's preview-deploy.yml in the preview Environment": `repo:${R}:environment:preview:${workflows('preview-deploy.yml', 'refs/pull/42/merge')}`,
  'a preview deploy from main': `repo:${R}:environment:preview:${workflows('preview-deploy.yml', 'refs/heads/main')}`,
  'the preview sweep': `repo:${R}:ref:refs/heads/main:${workflows('preview-deploy.yml', 'refs/heads/main')}`,
  'the preview sweep from a branch': `repo:${R}:ref:refs/heads/feature:${workflows('preview-deploy.yml', 'refs/heads/feature')}`,
  'the nightly spike': `repo:${R}:environment:stag:${workflows('nightly-spike.yml', 'refs/heads/main')}`,
  'another repository': `repo:evil/relay:environment:prod:${workflows('deploy.yml', 'refs/heads/main', 'evil/relay')}`,
  'another workflow file': `repo:${R}:environment:prod:${workflows('release.yml', 'refs/heads/main')}`,
  'deploy.yml on main (image push)': `repo:${R}:ref:refs/heads/main:${workflows('deploy.yml', 'refs/heads/main')}`,
  'deploy.yml on a branch': `repo:${R}:ref:refs/heads/feature:${workflows('deploy.yml', 'refs/heads/feature')}`,
  'the weekly cost check': `repo:${R}:ref:refs/heads/main:${workflows('cost-actuals.yml', 'refs/heads/main')}`,
  'the cost check from a branch': `repo:${R}:ref:refs/heads/feature:${workflows('cost-actuals.yml', 'refs/heads/feature')}`,
} as const;
type Scenario = keyof typeof SCENARIOS;

function assume(role: SynthesizedRole, federated: string, scenario: Scenario, aud = 'sts.amazonaws.com'): Decision {
  return evaluate([role.trust], {
    action: 'sts:AssumeRoleWithWebIdentity',
    principal: { Federated: federated },
    context: { [`${ISSUER}:sub`]: SCENARIOS[scenario], [`${ISSUER}:aud`]: aud },
  });
}

const all = synthesizeStacks();
const ENVS = ['dev', 'stag', 'prod'] as const;
/** Who may assume each role; every other scenario must be denied. */
const EXPECTED: Record<(typeof ENVS)[number], Record<string, Scenario[]>> = {
  dev: {
    'relay-pr-plan': ['a PR from a branch', 'a PR from a fork'],
    'relay-plan': ['a push to main (plan)'],
    'relay-deploy': ['the dev Environment'],
    'relay-preview': ['a preview deploy from main', 'the preview sweep'],
    'relay-image-push': ['deploy.yml on main (image push)'],
    'relay-cost-read': ['the weekly cost check'],
  },
  stag: {
    'relay-pr-plan': ['a PR from a branch', 'a PR from a fork'],
    'relay-plan': ['a push to main (plan)'],
    'relay-deploy': ['the stag Environment'],
    'relay-loadtest': ['the nightly spike'],
    // Its load-test edge's jobs (ADR 10) run in the same workflow and Environment.
    'relay-edge': ['the nightly spike'],
    'relay-image-push': ['deploy.yml on main (image push)'],
    'relay-cost-read': ['the weekly cost check'],
  },
  prod: {
    'relay-pr-plan': ['a PR from a branch', 'a PR from a fork'],
    'relay-plan': ['a push to main (plan)'],
    'relay-deploy': ['the prod Environment'],
    'relay-image-push': ['deploy.yml on main (image push)'],
    'relay-cost-read': ['the weekly cost check'],
  },
};

describe.each(ENVS)('GitHub roles of %s (synthesized bootstrap stack)', (envName) => {
  const bootstrap = all[`bootstrap-${envName}`]!;
  const roles = rolesOf(bootstrap);
  const federated = `\${aws_iam_openid_connect_provider.${Object.keys(bootstrap.resource['aws_iam_openid_connect_provider'] ?? {})[0]}.arn}`;
  const env = resolveEnvironment(envName);

  it('has exactly the expected roles, none with a managed policy but the main plan role', () => {
    const github = Object.keys(roles)
      .filter((n) => n !== 'relay-apigateway-cloudwatch')
      .sort();
    expect(github).toEqual(Object.keys(EXPECTED[envName]).sort());
    for (const [name, role] of Object.entries(roles)) {
      if (name === 'relay-plan') expect(role.managed).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
      else if (name !== 'relay-apigateway-cloudwatch') expect(role.managed).toEqual([]);
    }
  });

  it.each(Object.keys(EXPECTED[envName]))('lets exactly the expected workflows assume %s', (name) => {
    const role = roles[name]!;
    for (const scenario of Object.keys(SCENARIOS) as Scenario[]) {
      const expected = EXPECTED[envName][name]!.includes(scenario) ? 'allow' : 'implicit-deny';
      expect({ scenario, decision: assume(role, federated, scenario) }).toEqual({ scenario, decision: expected });
      // A token minted for another audience never works.
      expect(assume(role, federated, scenario, 'https://github.com/relay-chat')).toBe('implicit-deny');
    }
  });

  it('gives the PR plan role its env state objects and nothing a pull request could exfiltrate', () => {
    const role = roles['relay-pr-plan']!;
    const can = (action: string, resource: string) => evaluate(role.policies, { action, resource });
    const state = stateLocation(env, 'chat');
    const arn = (service: string, rest: string) => `arn:aws:${service}:${env.region}:${env.accountId}:${rest}`;
    expect(can('s3:GetObject', `arn:aws:s3:::${state.bucket}/${state.key}`)).toBe('allow');
    const denied: [string, string][] = [
      ['ssm:GetParameter', arn('ssm', `parameter/relay/${envName}/chat/auth-token-secret`)],
      ['ssm:GetParameters', arn('ssm', `parameter/relay/${envName}/chat/cursor-secret`)],
      ['ssm:GetParametersByPath', arn('ssm', `parameter/relay/${envName}`)],
      ['kms:Decrypt', arn('kms', 'key/any')],
      ['dynamodb:GetItem', arn('dynamodb', `table/relay-${envName}-chat-messages`)],
      ['dynamodb:Scan', arn('dynamodb', `table/relay-${envName}-chat-messages`)],
      ['dynamodb:Query', arn('dynamodb', `table/relay-${envName}-chat-memberships`)],
      ['logs:GetLogEvents', arn('logs', `log-group:/aws/lambda/relay-${envName}-chat-send:log-stream:x`)],
      ['logs:FilterLogEvents', arn('logs', `log-group:/aws/lambda/relay-${envName}-chat-send`)],
      ['lambda:GetFunction', arn('lambda', `function:relay-${envName}-chat-send`)],
      ['s3:GetObject', `arn:aws:s3:::${state.bucket}/bootstrap/${envName}.tfstate`],
      ['s3:GetObject', `arn:aws:s3:::${state.bucket}/chat/dev-alice.tfstate`],
      ['s3:GetObject', `arn:aws:s3:::relay-tfstate-999999999999-${env.region}/chat/${envName}.tfstate`],
      ['s3:GetObject', `arn:aws:s3:::relay-${envName}-web-site/index.html`],
      ['s3:PutObject', `arn:aws:s3:::${state.bucket}/chat/${envName}.tfstate`],
      ['s3:PutObject', `arn:aws:s3:::${state.bucket}/chat/${envName}.tfstate.tflock`],
      ['sts:AssumeRole', `arn:aws:iam::${env.accountId}:role/relay-deploy`],
      ['iam:PassRole', `arn:aws:iam::${env.accountId}:role/relay-deploy`],
      ['ecr:GetDownloadUrlForLayer', arn('ecr', `repository/relay-${envName}-broadcast`)],
    ];
    for (const [action, resource] of denied)
      expect({ action, resource, decision: can(action, resource) }).toEqual({ action, resource, decision: 'implicit-deny' });
  });

  it("denies secret values, table items and log events to main's plan role even on top of ReadOnlyAccess", () => {
    const role = roles['relay-plan']!;
    // A stand-in for the managed ReadOnlyAccess (not in the JSON): every read, everywhere.
    const readOnlyAccess = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['*:Get*', '*:List*', '*:Describe*', '*:BatchGet*', '*:Query', '*:Scan', '*:Filter*', 'logs:StartQuery'], Resource: '*' },
      ],
    };
    const can = (action: string, resource: string) => evaluate([readOnlyAccess, ...role.policies], { action, resource });
    const arn = (service: string, rest: string) => `arn:aws:${service}:${env.region}:${env.accountId}:${rest}`;
    for (const [action, resource] of [
      ['ssm:GetParameter', arn('ssm', `parameter/relay/${envName}/chat/auth-token-secret`)],
      ['ssm:GetParameters', arn('ssm', `parameter/relay/dev-alice/chat/cursor-secret`)],
      ['dynamodb:Scan', arn('dynamodb', `table/relay-${envName}-chat-messages`)],
      ['dynamodb:GetRecords', arn('dynamodb', `table/relay-${envName}-chat-messages/stream/x`)],
      ['logs:GetLogEvents', arn('logs', 'log-group:x:log-stream:y')],
      // GetParametersByPath is authorized on the path asked for: every ancestor of a secret.
      ['ssm:GetParametersByPath', arn('ssm', `parameter/relay/${envName}/chat`)],
      ['ssm:GetParametersByPath', arn('ssm', `parameter/relay/${envName}`)],
      ['ssm:GetParametersByPath', arn('ssm', 'parameter/relay')],
      ['ssm:GetParametersByPath', arn('ssm', 'parameter/')],
      ['ssm:GetParametersByPath', arn('ssm', 'parameter/relay/dev-alice/chat')],
    ] as const) {
      expect({ action, resource, decision: can(action, resource) }).toEqual({ action, resource, decision: 'explicit-deny' });
    }
    expect(can('ssm:GetParameter', arn('ssm', `parameter/relay/${envName}/chat/ws-url`))).toBe('allow');
    // Plans read the digest the image pipeline recorded.
    expect(can('ssm:GetParameter', arn('ssm', `parameter/relay/${envName}/broadcast/image-digest`))).toBe('allow');
  });

  it('lets the image-push role push its env’s broadcast image and record the digest, and nothing else', () => {
    const role = roles['relay-image-push']!;
    const can = (action: string, resource: string) => evaluate(role.policies, { action, resource });
    const arn = (service: string, rest: string) => `arn:aws:${service}:${env.region}:${env.accountId}:${rest}`;
    const repository = arn('ecr', `repository/relay-${envName}-broadcast`);
    for (const action of ['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage', 'ecr:BatchCheckLayerAvailability']) {
      expect({ action, decision: can(action, repository) }).toEqual({ action, decision: 'allow' });
    }
    expect(can('ssm:PutParameter', arn('ssm', `parameter/relay/${envName}/broadcast/image-digest`))).toBe('allow');
    for (const [action, resource] of [
      ['ecr:PutImage', arn('ecr', `repository/relay-${envName}-other`)],
      ['ecr:DeleteRepository', repository],
      ['ecr:PutLifecyclePolicy', repository],
      ['ecr:BatchDeleteImage', repository],
      ['ssm:PutParameter', arn('ssm', `parameter/relay/${envName}/chat/auth-token-secret`)],
      ['ssm:GetParameter', arn('ssm', `parameter/relay/${envName}/chat/auth-token-secret`)],
      ['ssm:PutParameter', arn('ssm', `parameter/relay/${envName}/chat/ws-url`)],
      ['ecs:UpdateService', arn('ecs', `service/relay-${envName}-broadcast/broadcast`)],
      ['sts:AssumeRole', `arn:aws:iam::${env.accountId}:role/relay-deploy`],
    ] as const) {
      expect({ action, resource, decision: can(action, resource) }).toEqual({ action, resource, decision: 'implicit-deny' });
    }
  });
});
