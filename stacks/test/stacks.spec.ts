import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeStubArtifacts } from '@relay/chat-infra';
import GithubSlugger from 'github-slugger';
import { policyViolations, RUNBOOK_PATH, runbookUrl, TERRAFORM_REQUIRED_VERSION, type RunbookEntry } from '@relay/infra-constructs';
import { BASE_ENVIRONMENTS, resolveEnvironment } from '@relay/platform-config';
import { buildApp } from '../src/app';
import { selectStacks } from '../src/selection';

type Resources = Record<string, Record<string, Record<string, unknown>>>;
interface StackJson {
  provider: { aws: { allowed_account_ids: string[]; assume_role: { role_arn: string }[]; region: string }[] };
  terraform: { backend: { s3?: Record<string, unknown>; local?: Record<string, unknown> }; required_version?: string };
  resource: Resources;
}

const artifactsDir = writeStubArtifacts(mkdtempSync(path.join(tmpdir(), 'relay-stubs-')));

/** Synthesizes like `nx run stacks:synth` (validations and aspects included) and reads the JSON back. */
function synthesize(vars: Record<string, string>): Record<string, StackJson> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'relay-synth-'));
  buildApp(selectStacks(vars), { outdir, artifactsDir }).synth();
  const stacksDir = path.join(outdir, 'stacks');
  return Object.fromEntries(readdirSync(stacksDir).map((id) => [id, JSON.parse(readFileSync(path.join(stacksDir, id, 'cdk.tf.json'), 'utf8')) as StackJson]));
}

const all = synthesize({});
const preview = synthesize({ RELAY_PREVIEW: 'erin' });
const resourcesOf = (stack: StackJson, type: string) => Object.values(stack.resource[type] ?? {});

describe('synth of every environment', () => {
  it('writes one stack per component and environment', () => {
    const expected = BASE_ENVIRONMENTS.flatMap((e) => [
      ...['bootstrap', 'chat', 'platform', 'web'].map((c) => `${c}-${e}`),
      ...(resolveEnvironment(e).loadgen ? [`loadgen-${e}`] : []),
      ...(resolveEnvironment(e).loadTestEdge ? [`edge-${e}`] : []),
    ]);
    expect(Object.keys(all).sort()).toEqual(expected.sort());
    expect(Object.keys(all)).toEqual(expect.arrayContaining(['loadgen-stag', 'edge-stag']));
    expect(Object.keys(preview)).toEqual(['chat-dev-erin']);
  });

  it.each([...Object.keys(all), 'chat-dev-erin'])('%s: requires a Terraform CLI that CI installs and that has the S3 lock file', (id) => {
    const stack = (all[id] ?? preview[id])!;
    expect(stack.terraform.required_version).toBe(TERRAFORM_REQUIRED_VERSION);
    // CI's CLI (~major.minor in the setup action) must satisfy the lower bound.
    const setup = readFileSync(path.resolve(__dirname, '../../.github/actions/setup/action.yml'), 'utf8');
    const [ciMajor, ciMinor] = /terraform_version: ~(\d+)\.(\d+)/.exec(setup)!.slice(1).map(Number);
    const [lowMajor, lowMinor] = />= (\d+)\.(\d+)/.exec(TERRAFORM_REQUIRED_VERSION)!.slice(1).map(Number);
    expect(ciMajor! > lowMajor! || (ciMajor === lowMajor && ciMinor! >= lowMinor!)).toBe(true);
  });

  it.each(Object.keys(all))('%s: provider and backend are pinned to the environment’s own account', (id) => {
    const env = resolveEnvironment(id.split('-').slice(1).join('-'));
    const stack = all[id]!;
    // The bootstrap stack is an administrator's: it creates the deploy role and its guardrails,
    // so it never assumes it (the account's own session applies it, still pinned to the account).
    const bootstrap = id.startsWith('bootstrap-');
    // The load-test edge is the nightly's relay-edge role's to apply, never relay-deploy's.
    const deployRoleArn = id.startsWith('edge-') ? `arn:aws:iam::${env.accountId}:role/relay-edge` : env.deployRoleArn;
    // Every provider of the stack (web's us-east-1 alias for CloudFront included) is pinned.
    const [main, ...aliases] = stack.provider.aws;
    expect(main).toEqual(
      expect.objectContaining({
        allowed_account_ids: [env.accountId],
        region: env.region,
        ...(bootstrap ? {} : { assume_role: [expect.objectContaining({ role_arn: deployRoleArn })] }),
      }),
    );
    if (bootstrap) expect(main).not.toHaveProperty('assume_role');
    expect(aliases).toEqual(
      id.startsWith('web-')
        ? [
            expect.objectContaining({
              alias: 'us_east_1',
              region: 'us-east-1',
              allowed_account_ids: [env.accountId],
              assume_role: [expect.objectContaining({ role_arn: env.deployRoleArn })],
            }),
          ]
        : [],
    );
    // Every stack, bootstrap included, keeps its state in the account's bucket (bootstrap moves
    // there after a new account's first apply: tools/nx-plugin/scripts/bootstrap-account.ts).
    expect(stack.terraform.backend.s3).toMatchObject({
      bucket: `relay-tfstate-${env.accountId}-${env.region}`,
      key: `${id.split('-')[0]}/${env.name}.tfstate`,
      use_lockfile: true,
      encrypt: true,
    });
    if (bootstrap) expect(stack.terraform.backend.s3).not.toHaveProperty('assume_role');
    else expect(stack.terraform.backend.s3).toMatchObject({ assume_role: { role_arn: deployRoleArn } });
  });

  it("synthesizes a new account's first bootstrap on local state with the administrator's own credentials", () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'relay-synth-'));
    buildApp(selectStacks({ RELAY_ENVS: 'stag', RELAY_COMPONENTS: 'bootstrap' }), { outdir, artifactsDir, role: 'ambient', bootstrapBackend: 'local' }).synth();
    const stack = JSON.parse(readFileSync(path.join(outdir, 'stacks', 'bootstrap-stag', 'cdk.tf.json'), 'utf8')) as StackJson;
    expect(stack.terraform.backend).toEqual({ local: expect.any(Object) });
    expect(stack.provider.aws[0]).not.toHaveProperty('assume_role');
    expect(stack.provider.aws[0]!.allowed_account_ids).toEqual([resolveEnvironment('stag').accountId]);
  });

  it('never grants a wildcard action or an unjustified Resource "*"', () => {
    for (const [id, stack] of Object.entries({ ...all, ...preview })) {
      for (const type of ['aws_iam_role_policy', 'aws_iam_policy']) {
        for (const policy of resourcesOf(stack, type)) {
          expect({ id, problems: policyViolations(policy['policy'] as string) }).toEqual({ id, problems: [] });
        }
      }
    }
  });

  it('protects prod data and keeps non-prod cheap: Spot and off-hours schedules', () => {
    for (const table of resourcesOf(all['chat-prod']!, 'aws_dynamodb_table')) {
      expect(table).toMatchObject({ deletion_protection_enabled: true, point_in_time_recovery: { enabled: true } });
    }
    expect(resourcesOf(all['platform-prod']!, 'aws_ecs_service')[0]).toMatchObject({ capacity_provider_strategy: [{ capacity_provider: 'FARGATE' }] });
    expect(resourcesOf(all['platform-prod']!, 'aws_scheduler_schedule')).toHaveLength(0);
    for (const env of ['dev', 'stag']) {
      expect(resourcesOf(all[`platform-${env}`]!, 'aws_ecs_service')[0]).toMatchObject({ capacity_provider_strategy: [{ capacity_provider: 'FARGATE_SPOT' }] });
      const schedules = resourcesOf(all[`platform-${env}`]!, 'aws_scheduler_schedule');
      expect(schedules.map((s) => s['schedule_expression_timezone'])).toEqual(['Asia/Seoul', 'Asia/Seoul']);
    }
  });

  it('puts runtime configuration in SSM under /relay/<env>/ and never a secret, not even a placeholder', () => {
    const params = resourcesOf(all['chat-stag']!, 'aws_ssm_parameter');
    expect(params.map((p) => p['name']).sort()).toEqual([
      '/relay/stag/chat/tables/connections',
      '/relay/stag/chat/tables/memberships',
      '/relay/stag/chat/tables/messages',
      '/relay/stag/chat/tables/rooms',
      '/relay/stag/chat/ws-url',
    ]);
    for (const stack of [...Object.values(all), ...Object.values(preview)]) {
      expect(resourcesOf(stack, 'aws_ssm_parameter').filter((p) => p['type'] !== 'String')).toEqual([]);
    }
  });

  it('forgets the token secret an earlier version managed, without deleting it', () => {
    for (const stack of [all['chat-stag']!, preview['chat-dev-erin']!]) {
      expect((stack as unknown as { removed: unknown }).removed).toEqual([
        { from: 'aws_ssm_parameter.secrets_chat-auth-token-secret_C04EA4A8', lifecycle: { destroy: false } },
      ]);
    }
  });

  it('gives the paging routes and the broadcast service the cursor secret, and nothing else gets it', () => {
    const fns = resourcesOf(all['chat-stag']!, 'aws_lambda_function');
    const withCursor = fns
      .filter((f) => (f['environment'] as { variables: Record<string, string> }).variables['CURSOR_SECRET_PARAMETER'])
      .map((f) => f['function_name'])
      .sort();
    expect(withCursor).toEqual(['relay-stag-chat-history', 'relay-stag-chat-members']);
    const task = resourcesOf(all['platform-stag']!, 'aws_ecs_task_definition')[0]!;
    const secrets = (JSON.parse(String(task['container_definitions'])) as { secrets: { name: string }[] }[])[0]!.secrets.map((x) => x.name).sort();
    expect(secrets).toEqual(['AUTH_TOKEN_SECRET', 'CURSOR_SECRET']);
  });

  it('isolates a preview by name prefix, state key and TTL tag inside the dev account', () => {
    const stack = preview['chat-dev-erin']!;
    const dev = resolveEnvironment('dev');
    expect(stack.provider.aws[0]!.allowed_account_ids).toEqual([dev.accountId]);
    expect(stack.terraform.backend.s3).toMatchObject({ key: 'chat/dev-erin.tfstate' });
    const namingKeys = ['name', 'function_name', 'alarm_name', 'bucket'];
    for (const [type, byName] of Object.entries(stack.resource)) {
      for (const resource of Object.values(byName)) {
        for (const key of namingKeys) {
          const value = resource[key];
          if (typeof value === 'string' && !value.startsWith('${')) {
            expect({ type, key, value }).toEqual({
              type,
              key,
              value: expect.stringMatching(/^(\/aws\/(lambda|apigateway)\/|\/relay\/|alias\/)?relay-pv-erin|^\/relay\/dev-erin\/|^least-privilege$|^live$/),
            });
          }
        }
        if (resource['tags']) expect(resource['tags']).toMatchObject({ env: 'dev-erin', owner: 'erin', ttl: '72h' });
      }
    }
  });

  it('matches the reviewed snapshot of chat-dev (stub artifacts, pinned versions)', () => {
    expect(all['chat-dev']).toMatchSnapshot();
  });
});

/** The runbook's headings as GitHub slugs them (fenced code is not a heading, whatever it starts with). */
function runbookAnchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...prose.matchAll(/^#{1,6} +(.+?) *$/gm)].map((m) => slugger.slug(m[1]!.replace(/`/g, ''))));
}

/** Each alarm whose description does not end with the runbook entry that says what to do, or whose entry is not a heading. */
function alarmsWithoutRunbook(stacks: Record<string, StackJson>, anchors: Set<string>): string[] {
  const link = new RegExp(
    `Runbook: ${runbookUrl('ANCHOR' as RunbookEntry)
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace('ANCHOR', '([a-z0-9-]+)')}$`,
  );
  return Object.entries(stacks).flatMap(([id, stack]) =>
    Object.entries(stack.resource['aws_cloudwatch_metric_alarm'] ?? {}).flatMap(([name, alarm]) => {
      const entry = link.exec(String(alarm['alarm_description'] ?? ''))?.[1];
      if (!entry) return [`${id} ${name}: no runbook entry in its description`];
      return anchors.has(entry) ? [] : [`${id} ${name}: ${RUNBOOK_PATH} has no heading #${entry}`];
    }),
  );
}

describe('alarms', () => {
  const runbook = readFileSync(path.resolve(__dirname, '..', '..', RUNBOOK_PATH), 'utf8');

  it('each says where the runbook tells its reader what to do, and that entry exists', () => {
    const alarms = Object.values(all).flatMap((stack) => Object.keys(stack.resource['aws_cloudwatch_metric_alarm'] ?? {}));
    expect(alarms.length).toBeGreaterThan(50);
    expect(alarmsWithoutRunbook(all, runbookAnchors(runbook))).toEqual([]);
  });

  it('fails an alarm whose runbook heading was renamed, and one that names no entry', () => {
    const renamed = runbook.replace(/^### A function failed$/m, '### Errors');
    const stacks = {
      'chat-prod': all['chat-prod']!,
      fixture: { resource: { aws_cloudwatch_metric_alarm: { bare: { alarm_description: 'something broke' } } } } as unknown as StackJson,
    };
    const problems = alarmsWithoutRunbook(stacks, runbookAnchors(renamed));
    expect(problems).toContain('fixture bare: no runbook entry in its description');
    expect(problems.filter((p) => p.endsWith('has no heading #a-function-failed')).length).toBeGreaterThan(0);
    // Code blocks are not headings: a shell comment does not make an anchor.
    expect(runbookAnchors('```sh\n# a-function-failed\n```\n')).toEqual(new Set());
  });
});

describe('the loadgen stack (in-region k6 fleet)', () => {
  const stack = all['loadgen-stag']!;
  const env = resolveEnvironment('stag');
  const policyOf = (roleSuffix: string) => {
    const [roleId] = Object.entries(stack.resource['aws_iam_role'] ?? {}).find(([, r]) => String(r['name']).endsWith(roleSuffix))!;
    const policy = resourcesOf(stack, 'aws_iam_role_policy').find((p) => p['role'] === `\${aws_iam_role.${roleId}.id}`)!;
    return JSON.parse(String(policy['policy'])) as { Statement: { Action: string[]; Resource: string[] }[] };
  };

  it('has no inbound path and nothing that runs or bills while idle', () => {
    const [sg] = Object.keys(stack.resource['aws_security_group']!);
    expect(stack.resource['aws_vpc_security_group_ingress_rule']).toBeUndefined();
    expect(resourcesOf(stack, 'aws_security_group')[0]!['ingress']).toBeUndefined();
    expect(resourcesOf(stack, 'aws_vpc_security_group_egress_rule').map((r) => [r['security_group_id'], r['from_port'], r['to_port']])).toEqual([
      [`\${aws_security_group.${sg}.id}`, 443, 443],
    ]);
    for (const billed of ['aws_ecs_service', 'aws_lb', 'aws_nat_gateway', 'aws_vpc_endpoint', 'aws_eip', 'aws_instance', 'aws_cloudwatch_metric_alarm']) {
      expect([billed, stack.resource[billed]]).toEqual([billed, undefined]);
    }
    const [cluster] = resourcesOf(stack, 'aws_ecs_cluster');
    expect(cluster!['setting']).toEqual([{ name: 'containerInsights', value: 'disabled' }]);
    expect(resourcesOf(stack, 'aws_ecs_cluster_capacity_providers')[0]!['capacity_providers']).toEqual(['FARGATE']);
  });

  it("runs the catalogue's generator size with a writable scratch volume and the open-file limit sockets need", () => {
    const [task] = resourcesOf(stack, 'aws_ecs_task_definition');
    expect([task!['cpu'], task!['memory']]).toEqual([String(env.loadgen!.cpu), String(env.loadgen!.memoryMb)]);
    const [container] = JSON.parse(String(task!['container_definitions'])) as Record<string, unknown>[];
    expect(container).toMatchObject({ name: 'k6', readonlyRootFilesystem: true, mountPoints: [{ sourceVolume: 'results', containerPath: '/results' }] });
    expect(String(container!['image'])).toMatch(/relay-stag-loadgen@\$\{var\.loadgen_image_digest\}$/);
    expect((container!['ulimits'] as { softLimit: number }[])[0]!.softLimit).toBeGreaterThanOrEqual(100_000);
  });

  it('keeps results encrypted for 30 days, and its task role reads only the run parameters (no S3 at all)', () => {
    const [bucket] = resourcesOf(stack, 'aws_s3_bucket');
    expect(bucket!['bucket']).toBe('relay-stag-loadgen-222222222222-ap-northeast-2');
    expect(resourcesOf(stack, 'aws_s3_bucket_server_side_encryption_configuration')).toHaveLength(1);
    expect(resourcesOf(stack, 'aws_s3_bucket_lifecycle_configuration')[0]!['rule']).toMatchObject([{ status: 'Enabled', expiration: [{ days: 30 }] }]);
    expect(policyOf('-task').Statement).toEqual([
      expect.objectContaining({ Action: ['ssm:GetParameter'], Resource: ['arn:aws:ssm:ap-northeast-2:222222222222:parameter/relay/stag/loadgen/run/*'] }),
    ]);
    expect(
      policyOf('-exec')
        .Statement.flatMap((s) => s.Action)
        .filter((a) => a.startsWith('s3:')),
    ).toEqual([]);
  });

  it('tells the orchestrator how to launch in one runtime parameter', () => {
    const launch = resourcesOf(stack, 'aws_ssm_parameter').find((p) => p['name'] === '/relay/stag/loadgen/launch')!;
    expect(Object.keys(JSON.parse(String(launch['value'])) as object).sort()).toEqual(
      ['bucket', 'cluster', 'container', 'cpu', 'maxTasks', 'memoryMb', 'securityGroups', 'startMarginMs', 'subnets', 'taskDefinition', 'taskRoleArn'].sort(),
    );
  });

  it('exists only where the catalogue gives the env a fleet, with its image registry beside the broadcast one', () => {
    for (const name of BASE_ENVIRONMENTS) {
      const has = resolveEnvironment(name).loadgen !== null;
      expect([name, `loadgen-${name}` in all]).toEqual([name, has]);
      const repositories = resourcesOf(all[`bootstrap-${name}`]!, 'aws_ecr_repository').map((r) => r['name']);
      expect([name, repositories.includes(`relay-${name}-loadgen`)]).toEqual([name, has]);
    }
    expect(() => selectStacks({ RELAY_ENVS: 'dev', RELAY_COMPONENTS: 'loadgen' })).toThrow(/nothing to synthesize/);
  });
});

describe("the load-test edge (the nightly's front door, ADR 10)", () => {
  const stack = all['edge-stag']!;
  const env = resolveEnvironment('stag');
  const data = (stack as unknown as { data: Resources }).data;

  it("is prod's front door: HTTPS on lt.<zone> behind a regional WAF that admits the fleet, its capacity the fleet's to reserve", () => {
    const [alb] = resourcesOf(stack, 'aws_lb');
    expect(alb).toMatchObject({
      name: 'relay-stag-edge',
      internal: false,
      drop_invalid_header_fields: true,
      lifecycle: { ignore_changes: ['minimum_load_balancer_capacity'] },
    });
    const listeners = resourcesOf(stack, 'aws_lb_listener');
    expect(listeners.find((l) => l['port'] === 443)).toMatchObject({
      protocol: 'HTTPS',
      certificate_arn: expect.stringMatching(/^\$\{data\.aws_acm_certificate\./),
    });
    expect(Object.values(data['aws_acm_certificate']!)).toEqual([expect.objectContaining({ domain: `lt.${env.domain!.zoneName}`, statuses: ['ISSUED'] })]);
    const [acl] = resourcesOf(stack, 'aws_wafv2_web_acl');
    expect(acl).toMatchObject({ name: 'relay-stag-edge', scope: 'REGIONAL' });
    expect(resourcesOf(stack, 'aws_wafv2_web_acl_association')).toHaveLength(1);
    expect(resourcesOf(stack, 'aws_wafv2_regex_pattern_set')).toEqual([expect.objectContaining({ name: 'relay-stag-edge-fleet-admission' })]);
    expect(
      resourcesOf(stack, 'aws_route53_record')
        .map((r) => `${String(r['type'])} ${String(r['name'])}`)
        .sort(),
    ).toEqual([`A lt.${env.domain!.zoneName}`, `AAAA lt.${env.domain!.zoneName}`]);
    // The platform stack certifies the name once; the edge finds it by domain every night.
    const certificates = resourcesOf(all['platform-stag']!, 'aws_acm_certificate').map((c) => c['domain_name']);
    expect(certificates).toEqual(expect.arrayContaining([env.domain!.apiHost, `lt.${env.domain!.zoneName}`]));
    expect(resourcesOf(all['platform-prod']!, 'aws_acm_certificate').map((c) => c['domain_name'])).toEqual([resolveEnvironment('prod').domain!.apiHost]);
  });

  it("runs the platform's current task definition in the platform's network, found by name, never through its state", () => {
    expect(Object.values(data['aws_ecs_task_definition']!)).toEqual([expect.objectContaining({ task_definition: 'relay-stag-broadcast' })]);
    expect(JSON.stringify(data['aws_vpc'])).toContain('"values":["relay-stag"]');
    expect(JSON.stringify(data['aws_subnets'])).toContain('relay-stag-public-*');
    expect(data).not.toHaveProperty('terraform_remote_state');
    const [service] = resourcesOf(stack, 'aws_ecs_service');
    expect(service).toMatchObject({
      name: 'broadcast-edge',
      task_definition: expect.stringMatching(/^\$\{data\.aws_ecs_task_definition\./),
      load_balancer: [expect.objectContaining({ container_name: 'broadcast', container_port: 8080 })],
    });
    // No roles of its own: the platform's task definition brings its roles.
    expect(stack.resource['aws_iam_role']).toBeUndefined();
  });

  it('names and tags everything it creates as the edge, so its role can create and destroy that and nothing else', () => {
    const resources = Object.entries(stack.resource).flatMap(([type, byId]) => Object.values(byId).map((config) => ({ type, config })));
    const edgeName = (name: string) =>
      /^relay-stag-edge\b/.test(name) ||
      name === 'broadcast-edge' ||
      name === 'aws-waf-logs-relay-stag-edge' ||
      name.startsWith('/relay/stag/edge/') ||
      name === `lt.${env.domain!.zoneName}`;
    for (const { type, config } of resources) {
      const name = config['name'];
      if (typeof name === 'string') expect([type, name, edgeName(name)]).toEqual([type, name, true]);
      const tags = config['tags'] as Record<string, string> | undefined;
      if (tags) expect([type, tags['service'], tags['env']]).toEqual([type, 'edge', 'stag']);
    }
    expect(resources.filter(({ config }) => config['tags']).length).toBeGreaterThan(10);
    expect(JSON.stringify(stack)).not.toContain('relay-stag-broadcast-fleet-admission');
  });

  it('exists only where the catalogue gives the env one, and no deploy applies it', () => {
    for (const name of BASE_ENVIRONMENTS) expect([name, `edge-${name}` in all]).toEqual([name, resolveEnvironment(name).loadTestEdge]);
    expect(() => selectStacks({ RELAY_ENVS: 'prod', RELAY_COMPONENTS: 'edge' })).toThrow(/nothing to synthesize/);
    for (const workflow of ['deploy.yml', 'plan-env.yml', 'pr.yml']) {
      const text = readFileSync(path.resolve(__dirname, '../../.github/workflows', workflow), 'utf8');
      const components = /RELAY_COMPONENTS: (\S+)/.exec(text)![1]!.split(',');
      expect([workflow, components.includes('edge')]).toEqual([workflow, false]);
    }
  });
});

describe('stack selection', () => {
  it('synthesizes one environment without the others', () => {
    expect(selectStacks({ RELAY_ENVS: 'stag', RELAY_COMPONENTS: 'chat,web' }).map((p) => p.id)).toEqual(['chat-stag', 'web-stag']);
  });

  it.each([
    // A name no generator could produce (it takes ^[a-z][a-z0-9]{1,9}$): never a real environment.
    [{ RELAY_ENVS: 'no_such_env' }, `RELAY_ENVS takes ${BASE_ENVIRONMENTS.join(', ')}; "no_such_env" is not one`],
    [{ RELAY_ENVS: 'dev-alice' }, /previews: RELAY_PREVIEW=<name>/],
    [{ RELAY_PREVIEW: 'Bad_Name' }, /preview name "Bad_Name" is invalid/],
    [{ RELAY_COMPONENTS: 'database' }, /unknown component "database"/],
    [{ RELAY_PREVIEW: 'zed', RELAY_COMPONENTS: 'web' }, /nothing to synthesize/],
  ])('rejects %p before any synth', (vars, message) => {
    expect(() => selectStacks(vars)).toThrow(message);
  });
});

describe('plan role', () => {
  it('lets pull requests synthesize stacks that assume only the read-only plan role', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'relay-plan-role-'));
    buildApp(selectStacks({ RELAY_ENVS: 'prod', RELAY_COMPONENTS: 'chat' }), { outdir, artifactsDir, role: 'plan' }).synth();
    const stack = JSON.parse(readFileSync(path.join(outdir, 'stacks', 'chat-prod', 'cdk.tf.json'), 'utf8')) as StackJson;
    const prod = resolveEnvironment('prod');
    expect(stack.provider.aws[0]!.assume_role[0]!.role_arn).toBe(prod.planRoleArn);
    expect(stack.terraform.backend.s3).toMatchObject({ assume_role: { role_arn: prod.planRoleArn } });
  });
});

describe('ambient credentials (CI)', () => {
  it('assumes no role but still pins the account, so one saved plan serves plan and apply roles', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'relay-ambient-'));
    buildApp(selectStacks({ RELAY_ENVS: 'stag', RELAY_COMPONENTS: 'web' }), { outdir, artifactsDir, role: 'ambient' }).synth();
    const stack = JSON.parse(readFileSync(path.join(outdir, 'stacks', 'web-stag', 'cdk.tf.json'), 'utf8')) as StackJson;
    expect(stack.provider.aws[0]).toEqual({ allowed_account_ids: [resolveEnvironment('stag').accountId], region: 'ap-northeast-2' });
    expect(stack.terraform.backend.s3).not.toHaveProperty('assume_role');
  });
});
