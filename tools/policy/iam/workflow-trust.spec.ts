import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { BOOTSTRAP_ROLES, GITHUB_REPOSITORY, resolveEnvironment } from '@relay/platform-config';
import { synthesizeStacks } from '@relay/emulators';
import { evaluate } from './evaluate';
import { rolesOf } from './synthesized-roles';

/**
 * Every role-to-assume in .github/workflows/*.yml and .github/actions/* traced to that role's
 * trust policy in the synthesized bootstrap stacks, as GitHub would present the job's OIDC
 * subject (environment or event, workflow file, ref). A job that could never assume its role
 * fails; so does a role that any other job, ref or event could assume, including workflow files
 * an attacker can write on a branch or in a pull request (any name, any Environment), and any
 * role but the PR plan role that a definition outside main could assume at all.
 */
jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../../..');
const R = GITHUB_REPOSITORY;
const ISSUER = 'token.actions.githubusercontent.com';
const ENVS = ['dev', 'stag', 'prod'] as const;

type Yaml = Record<string, unknown>;
interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
/** One job that assumes a role, as GitHub runs it: the file that defines the job, its events, Environment and role. */
interface RoleUse {
  where: string;
  workflow: string;
  events: string[];
  environment?: string;
  env: string;
  role: string;
}

const ROLE_FIELDS: Record<string, string> = { deployRoleArn: BOOTSTRAP_ROLES.deploy, planRoleArn: BOOTSTRAP_ROLES.plan, prPlanRoleArn: BOOTSTRAP_ROLES.prPlan };
const load = (file: string) => parse(readFileSync(path.join(root, file), 'utf8')) as Yaml;
const workflowFiles = readdirSync(path.join(root, '.github/workflows')).filter((f) => f.endsWith('.yml'));

/** The values an expression such as `${{ inputs.env }}` or `${{ matrix.env }}` can take. */
function values(text: string, inputs: Record<string, unknown>, matrix: Record<string, unknown>): string[] {
  const expr = /^\$\{\{\s*(inputs|matrix)\.([a-z-]+)\s*\}\}$/.exec(text.replace(/^"|"$/g, ''));
  if (!expr) return [text.replace(/^"|"$/g, '')];
  const source = expr[1] === 'inputs' ? inputs : matrix;
  const value = source[expr[2]!];
  if (value === undefined) throw new Error(`cannot resolve ${text}`);
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The role (and env) each configure-aws-credentials step of a step list assumes. */
function rolesOfSteps(steps: Step[], inputs: Record<string, unknown>, matrix: Record<string, unknown>, where: string): { role: string; env: string }[] {
  const found: { role: string; env: string }[] = [];
  for (const step of steps) {
    if (step.uses?.startsWith('./.github/actions/')) {
      const action = load(path.join(step.uses, 'action.yml')) as { runs: { steps: Step[] } };
      const passed = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, values(String(v), inputs, matrix)]));
      for (const [k, v] of Object.entries(passed)) if (v.length !== 1) throw new Error(`${where}: ${k} has several values`);
      found.push(...rolesOfSteps(action.runs.steps, Object.fromEntries(Object.entries(passed).map(([k, v]) => [k, v[0]])), {}, `${where} > ${step.uses}`));
    }
    if (!step.uses?.startsWith('aws-actions/configure-aws-credentials')) continue;
    const ref = /steps\.([a-z-]+)\.outputs\.([a-z-]+)/.exec(String(step.with?.['role-to-assume']));
    const source = steps.find((s) => s.id === ref?.[1])?.run ?? '';
    const field = /env-info\.ts\s+("?\$\{\{[^}]+\}\}"?|[a-z]+)\s+(deployRoleArn|planRoleArn|prPlanRoleArn)/.exec(source);
    const image = /env-info\.ts --image\s+("?\$\{\{[^}]+\}\}"?|[a-z]+)/.exec(source);
    // A role named after the account id env-info prints: relay-loadtest, relay-cost-read.
    const byAccount = /env-info\.ts\s+("?\$\{\{[^}]+\}\}"?|[a-z]+)\s+accountId\):role\/(relay-[a-z-]+)/.exec(source);
    const preview = /env-info\.ts --preview-role/.test(source);
    if (field) for (const env of values(field[1]!, inputs, matrix)) found.push({ role: ROLE_FIELDS[field[2]!]!, env });
    else if (image) for (const env of values(image[1]!, inputs, matrix)) found.push({ role: BOOTSTRAP_ROLES.imagePush, env });
    else if (byAccount && (Object.values(BOOTSTRAP_ROLES) as string[]).includes(byAccount[2]!))
      for (const env of values(byAccount[1]!, inputs, matrix)) found.push({ role: byAccount[2]!, env });
    else if (preview) found.push({ role: BOOTSTRAP_ROLES.preview, env: 'dev' });
    else throw new Error(`${where}: cannot trace role-to-assume ${String(step.with?.['role-to-assume'])} to a role`);
  }
  return found;
}

function roleUses(): RoleUse[] {
  const uses: RoleUse[] = [];
  const visit = (workflow: string, events: string[], inputs: Record<string, unknown>) => {
    const doc = load(`.github/workflows/${workflow}`) as { jobs: Record<string, Yaml> };
    for (const [name, job] of Object.entries(doc.jobs)) {
      const where = `${workflow}#${name}`;
      if (typeof job['uses'] === 'string') {
        // A reusable workflow runs under its own file name, with the caller's events and ref,
        // once per value of the calling job's matrix.
        const matrix = ((job['strategy'] as Yaml | undefined)?.['matrix'] as Record<string, unknown>) ?? {};
        const [key, list] = Object.entries(matrix)[0] ?? ['', ['']];
        for (const value of Array.isArray(list) ? list : [list]) {
          const one = key ? { [key]: value } : {};
          const passed = Object.fromEntries(Object.entries((job['with'] as Yaml) ?? {}).map(([k, v]) => [k, values(String(v), inputs, one)[0]]));
          visit(path.basename(job['uses']), events, passed);
        }
        continue;
      }
      const environment = typeof job['environment'] === 'object' ? String((job['environment'] as Yaml)['name']) : (job['environment'] as string | undefined);
      const matrix = ((job['strategy'] as Yaml | undefined)?.['matrix'] as Record<string, unknown>) ?? {};
      for (const { role, env } of rolesOfSteps((job['steps'] as Step[]) ?? [], inputs, matrix, where)) {
        uses.push({ where, workflow, events, env, role, ...(environment ? { environment: values(environment, inputs, matrix)[0]! } : {}) });
      }
    }
  };
  for (const file of workflowFiles) {
    const on = load(`.github/workflows/${file}`)['on'] as Yaml;
    const events = Object.keys(on).filter((e) => e !== 'workflow_call');
    if (events.length > 0) visit(file, events, {});
  }
  return uses;
}

/** GitHub's OIDC subject under the repository's template (see github-deploy-identity.ts). */
function subject(workflow: string, ref: string, context: { environment?: string; event: string }): string {
  const where = context.environment ? `environment:${context.environment}` : context.event === 'pull_request' ? 'pull_request' : `ref:${ref}`;
  return `repo:${R}:${where}:job_workflow_ref:${R}/.github/workflows/${workflow}@${ref}`;
}
/** Main's definitions run on main's ref; a pull request's on its merge ref. */
const refFor = (event: string) => (event === 'pull_request' ? 'refs/pull/1/merge' : 'refs/heads/main');
const declared = (use: RoleUse) => use.events.map((event) => subject(use.workflow, refFor(event), { environment: use.environment, event }));

const uses = roleUses();
const stacks = synthesizeStacks({ RELAY_COMPONENTS: 'bootstrap' });

describe('workflows and trust policies agree', () => {
  it('finds the jobs that assume roles (so an empty table cannot pass)', () => {
    expect(new Set(uses.map((u) => u.role))).toEqual(new Set(Object.values(BOOTSTRAP_ROLES).filter((r) => r !== BOOTSTRAP_ROLES.apiGatewayLogs)));
  });

  it.each(uses.map((u) => [`${u.where} (${u.env})`, u] as const))('%s can assume the role it names', (_, use) => {
    const bootstrap = stacks[`bootstrap-${use.env}`]!;
    const role = rolesOf(bootstrap)[use.role];
    expect({ role: use.role, exists: role !== undefined }).toEqual({ role: use.role, exists: true });
    const federated = `\${aws_iam_openid_connect_provider.${Object.keys(bootstrap.resource['aws_iam_openid_connect_provider'] ?? {})[0]}.arn}`;
    for (const sub of declared(use)) {
      const decision = evaluate([role!.trust], {
        action: 'sts:AssumeRoleWithWebIdentity',
        principal: { Federated: federated },
        context: { [`${ISSUER}:sub`]: sub, [`${ISSUER}:aud`]: 'sts.amazonaws.com' },
      });
      expect({ sub, decision }).toEqual({ sub, decision: 'allow' });
    }
  });

  it.each(ENVS)('no other job, ref, event or workflow file can assume a role of %s', (envName) => {
    const bootstrap = stacks[`bootstrap-${envName}`]!;
    const federated = `\${aws_iam_openid_connect_provider.${Object.keys(bootstrap.resource['aws_iam_openid_connect_provider'] ?? {})[0]}.arn}`;
    const environments = [...new Set([...uses.flatMap((u) => (u.environment ? [u.environment] : [])), 'anything'])];
    // What main's files present, and what anyone who can push a branch or open a pull request can.
    const attacker = ['refs/pull/1/merge', 'refs/heads/feature'].flatMap((ref) =>
      [...workflowFiles, 'evil.yml'].flatMap((workflow) =>
        [undefined, ...environments].map((environment) =>
          subject(workflow, ref, { environment, event: ref.startsWith('refs/pull/') ? 'pull_request' : 'push' }),
        ),
      ),
    );
    const universe = [...new Set([...uses.flatMap(declared), ...attacker])];
    for (const [name, role] of Object.entries(rolesOf(bootstrap))) {
      if (name === BOOTSTRAP_ROLES.apiGatewayLogs) continue;
      const allowed = universe.filter(
        (sub) =>
          evaluate([role.trust], {
            action: 'sts:AssumeRoleWithWebIdentity',
            principal: { Federated: federated },
            context: { [`${ISSUER}:sub`]: sub, [`${ISSUER}:aud`]: 'sts.amazonaws.com' },
          }) === 'allow',
      );
      const intended = uses.filter((u) => u.role === name && resolveEnvironment(u.env).accountId === resolveEnvironment(envName).accountId).flatMap(declared);
      expect({ role: name, allowed: allowed.sort() }).toEqual({ role: name, allowed: [...new Set(intended)].sort() });
      // Whoever controls a ref other than main controls its workflow files: only the PR plan
      // role, which policies.spec.ts proves harmless in an attacker's hands, may answer them.
      const fromControlledDefinitions = allowed.filter((sub) => !sub.endsWith('@refs/heads/main'));
      expect({ role: name, fromControlledDefinitions }).toEqual({
        role: name,
        fromControlledDefinitions: name === BOOTSTRAP_ROLES.prPlan ? fromControlledDefinitions : [],
      });
    }
  });
});
