import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveEnvironment } from '@relay/platform-config';
import { startMoto, type MotoServer, synthesizeInto } from '@relay/emulators';
import { bootstrapSteps, localStateFiles } from '../../scripts/bootstrap-account';
import { commandsFor, PLAN_FILE, preflight, RunnerError, STAND_IN_DIGEST } from './runner';

/** An outdir as a synth leaves it: stack folders, and manifest.json naming the last synth's. */
function outdirWith(stacks: string[], stale: string[] = []): string {
  const outdir = mkdtempSync(path.join(tmpdir(), 'relay-out-'));
  for (const id of [...stacks, ...stale]) mkdirSync(path.join(outdir, 'stacks', id), { recursive: true });
  const manifest = { version: '0.21.0', stacks: Object.fromEntries(stacks.map((id) => [id, { name: id, workingDirectory: `stacks/${id}` }])) };
  writeFileSync(path.join(outdir, 'manifest.json'), JSON.stringify(manifest));
  return outdir;
}

const DIGEST = { [`TF_VAR_broadcast_image_digest`]: `sha256:${'a'.repeat(64)}` };

const summary = (commands: { cwd: string; args: string[] }[]) => commands.map((c) => `${path.basename(c.cwd)}:${c.args[0]}`);

describe('terraform runner', () => {
  it('plans an environment stack by stack in dependency order, never a neighbour env, and bootstrap only by name', () => {
    const outdir = outdirWith(['web-dev', 'chat-dev', 'bootstrap-dev', 'platform-dev', 'chat-dev-alice', 'chat-stag']);
    // Bootstrap is an administrator's (its own session): asked for by name only.
    expect(summary(commandsFor('plan', 'dev', { outdir, env: DIGEST, components: ['bootstrap'] }))).toEqual([
      'bootstrap-dev:init',
      'bootstrap-dev:plan',
      'bootstrap-dev:show',
    ]);
    expect(summary(commandsFor('plan', 'dev', { outdir, env: DIGEST }))).toEqual([
      'platform-dev:init',
      'platform-dev:plan',
      'platform-dev:show',
      'chat-dev:init',
      'chat-dev:plan',
      'chat-dev:show',
      'web-dev:init',
      'web-dev:plan',
      'web-dev:show',
    ]);
  });

  it('applies only a saved plan', () => {
    const outdir = outdirWith(['chat-stag', 'web-stag']);
    expect(() => commandsFor('apply', 'stag', { outdir })).toThrow(/no saved plan: apply only applies a reviewed plan/);
    for (const id of ['chat-stag', 'web-stag']) writeFileSync(path.join(outdir, 'stacks', id, PLAN_FILE), 'plan');
    const apply = commandsFor('apply', 'stag', { outdir }).filter((c) => c.args[0] === 'apply');
    expect(apply.map((c) => c.args.at(-1))).toEqual([PLAN_FILE, PLAN_FILE]);
  });

  it('destroys previews, in reverse order, and of a base env only its load-test edge', () => {
    const outdir = outdirWith(['chat-dev-bob', 'chat-prod']);
    expect(summary(commandsFor('destroy', 'dev-bob', { outdir }))).toEqual(['chat-dev-bob:init', 'chat-dev-bob:destroy']);
    expect(() => commandsFor('destroy', 'prod', { outdir })).toThrow(RunnerError);
    expect(() => commandsFor('destroy', 'prod', { outdir })).toThrow('destroy is for previews and a load-test edge (--components edge) only');
    const stag = outdirWith(['platform-stag', 'loadgen-stag', 'edge-stag']);
    expect(summary(commandsFor('destroy', 'stag', { outdir: stag, components: ['edge'] }))).toEqual(['edge-stag:init', 'edge-stag:destroy']);
    for (const components of [undefined, [], ['platform'], ['edge', 'loadgen']])
      expect(() => commandsFor('destroy', 'stag', { outdir: stag, components })).toThrow('destroy is for previews and a load-test edge');
    // prod has no edge to destroy, so naming one destroys nothing of prod either.
    expect(() => commandsFor('destroy', 'prod', { outdir, components: ['edge'] })).toThrow('destroy is for previews and a load-test edge');
  });

  it("plans and applies the load-test edge only when it is named, never with the env's other stacks", () => {
    const outdir = outdirWith(['platform-stag', 'chat-stag', 'web-stag', 'loadgen-stag', 'edge-stag']);
    expect(
      summary(commandsFor('plan', 'stag', { outdir, env: { ...DIGEST, TF_VAR_loadgen_image_digest: DIGEST.TF_VAR_broadcast_image_digest } })),
    ).not.toContain('edge-stag:plan');
    // No image to pin: the edge runs the platform's task definition as it is.
    expect(summary(commandsFor('plan', 'stag', { outdir, components: ['edge'], env: {} }))).toEqual(['edge-stag:init', 'edge-stag:plan', 'edge-stag:show']);
  });

  it('plans a pull request without refresh or lock, and never applies for one', () => {
    const outdir = outdirWith(['chat-prod']);
    const plan = commandsFor('plan', 'prod', { outdir, pullRequest: true }).find((c) => c.args[0] === 'plan')!;
    expect(plan.args).toEqual(expect.arrayContaining(['-refresh=false', '-lock=false']));
    expect(commandsFor('plan', 'prod', { outdir }).find((c) => c.args[0] === 'plan')!.args).not.toContain('-refresh=false');
    writeFileSync(path.join(outdir, 'stacks', 'chat-prod', PLAN_FILE), 'plan');
    expect(() => commandsFor('apply', 'prod', { outdir, pullRequest: true })).toThrow('a pull request never applies');
  });

  it('rejects unknown environments and missing synth output clearly', () => {
    expect(() => commandsFor('plan', 'no_such_env', { outdir: outdirWith([]) })).toThrow('unknown environment "no_such_env"');
    expect(() => commandsFor('plan', 'prod', { outdir: outdirWith(['chat-dev']) })).toThrow(
      'the last synth has no stacks for prod (manifest.json lists chat-dev): RELAY_ENVS=prod npx nx run stacks:synth',
    );
    expect(() => commandsFor('plan', 'prod', { outdir: mkdtempSync(path.join(tmpdir(), 'relay-empty-')) })).toThrow(/no .*manifest.json: synthesize first/);
  });

  it('plans what the last synth wrote, never stale folders of an earlier one', () => {
    // A full synth, then a bootstrap-only synth: the other folders are still on disk.
    const outdir = outdirWith(['bootstrap-dev'], ['platform-dev', 'chat-dev', 'web-dev']);
    expect(summary(commandsFor('plan', 'dev', { outdir, components: ['bootstrap'] }))).toEqual([
      'bootstrap-dev:init',
      'bootstrap-dev:plan',
      'bootstrap-dev:show',
    ]);
    expect(() => commandsFor('plan', 'dev', { outdir })).toThrow(/the last synth has no stacks for dev/);
    expect(() => commandsFor('plan', 'dev', { outdir, components: ['chat'] })).toThrow(
      'chat-dev not in the last synth (manifest.json lists bootstrap-dev): RELAY_ENVS=dev npx nx run stacks:synth',
    );
  });

  it('validates every stack without a backend or credentials', () => {
    const outdir = outdirWith(['chat-prod', 'web-prod']);
    const commands = commandsFor('validate', 'prod', { outdir });
    expect(summary(commands)).toEqual(['chat-prod:init', 'chat-prod:validate', 'web-prod:init', 'web-prod:validate']);
    expect(commands[0]!.args).toContain('-backend=false');
  });

  it('plans with -detailed-exitcode for a drift check', () => {
    const outdir = outdirWith(['chat-prod']);
    expect(commandsFor('plan', 'prod', { outdir, detailedExitcode: true }).find((c) => c.args[0] === 'plan')!.args).toContain('-detailed-exitcode');
  });

  it('names an unknown component instead of telling you to synthesize', () => {
    expect(() => commandsFor('plan', 'dev', { outdir: outdirWith(['chat-dev']), components: ['chat', 'frontend'] })).toThrow(
      'unknown component "frontend": expected one of bootstrap, platform, chat, web',
    );
  });

  it('plans the platform with the pipeline’s image digest; a pull request with a stand-in; otherwise says where it comes from', () => {
    const outdir = outdirWith(['platform-stag']);
    const plan = (options: object) => commandsFor('plan', 'stag', { outdir, ...options }).find((c) => c.args[0] === 'plan')!.args;
    expect(plan({ env: DIGEST }).some((a) => a.startsWith('-var='))).toBe(false);
    expect(plan({ env: {}, pullRequest: true })).toContain(`-var=broadcast_image_digest=${STAND_IN_DIGEST}`);
    expect(() => plan({ env: {} })).toThrow(/needs the broadcast image digest: set TF_VAR_broadcast_image_digest .*\/relay\/stag\/broadcast\/image-digest/);
  });

  it('plans each image stack with its own digest: the k6 fleet’s is not the broadcast service’s', () => {
    const outdir = outdirWith(['platform-stag', 'loadgen-stag']);
    const plans = (options: object) =>
      commandsFor('plan', 'stag', { outdir, ...options })
        .filter((c) => c.args[0] === 'plan')
        .map((c) => [path.basename(c.cwd), c.args.filter((a) => a.startsWith('-var='))]);
    expect(() => plans({ env: DIGEST })).toThrow(
      /loadgen-stag needs the loadgen image digest: set TF_VAR_loadgen_image_digest .*\/relay\/stag\/loadgen\/image-digest/,
    );
    expect(plans({ env: { ...DIGEST, TF_VAR_loadgen_image_digest: `sha256:${'b'.repeat(64)}` } })).toEqual([
      ['platform-stag', []],
      ['loadgen-stag', []],
    ]);
    expect(plans({ env: {}, pullRequest: true })).toEqual([
      ['platform-stag', [`-var=broadcast_image_digest=${STAND_IN_DIGEST}`]],
      ['loadgen-stag', [`-var=loadgen_image_digest=${STAND_IN_DIGEST}`]],
    ]);
  });
});

describe('terraform runner preflight (STS on moto)', () => {
  const root = path.resolve(__dirname, '../../../..');
  const stag = resolveEnvironment('stag');
  let moto: MotoServer;
  const credentials = (server: MotoServer) => ({
    ...process.env,
    AWS_ENDPOINT_URL: server.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_PROFILE: '',
  });

  beforeAll(async () => {
    moto = await startMoto(stag.region, { account: stag.accountId });
  }, 120_000);
  afterAll(async () => moto?.stop());

  it("passes in the environment's own account and says who it is", () => {
    const lines: string[] = [];
    preflight(stag, { outdir: '', env: credentials(moto) }, root, (l) => lines.push(l));
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^preflight: caller arn:aws:.*\\(account ${stag.accountId}\\); stag lives in account ${stag.accountId}$`)),
    ]);
  });

  it('stops in another account with both account ids and how to log in', () => {
    const prod = resolveEnvironment('prod');
    expect(() => preflight(prod, { outdir: '', env: credentials(moto) }, root, () => undefined)).toThrow(
      new RegExp(`credentials are for account ${stag.accountId}, but prod lives in account ${prod.accountId}: log in .*aws sso login --profile relay-prod`),
    );
  });

  it('stops without credentials with how to log in, not a provider stack trace', () => {
    const env = {
      PATH: process.env['PATH'],
      HOME: mkdtempSync(path.join(tmpdir(), 'relay-home-')),
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    expect(() => preflight(stag, { outdir: '', env }, root, () => undefined)).toThrow(/^no usable AWS credentials \(.+\): log in to stag's account/);
  });
});

describe('bootstrap-account', () => {
  it('applies a new account on local state, then moves the state into its bucket and proves it', () => {
    const steps = bootstrapSteps('stag', '/repo', '/out');
    expect(
      steps.map((s) => [
        s.command.endsWith('aws') ? 'aws' : path.basename(s.command) === 'terraform' ? 'terraform' : 'node',
        s.args.find((a) => !a.startsWith('-')) ?? s.args[0],
      ]),
    ).toEqual([
      ['aws', 'sts'],
      ['node', 'tsx'],
      ['terraform', 'init'],
      ['terraform', 'plan'],
      ['terraform', 'apply'],
      ['node', 'tsx'],
      ['terraform', 'init'],
      ['terraform', 'state'],
      ['node', 'tsx'],
      ['node', 'tsx'],
    ]);
    expect(steps[8]!.args).toEqual(['--import', 'tsx', 'tools/nx-plugin/scripts/github-environments.ts', 'apply']);
    expect(steps[9]!.args).toEqual(['--import', 'tsx', 'tools/nx-plugin/operations/terraform/quota-check.ts', 'stag']);
    expect(steps[1]!.env).toMatchObject({ RELAY_ROLE: 'ambient', RELAY_BOOTSTRAP_BACKEND: 'local', RELAY_COMPONENTS: 'bootstrap' });
    expect(steps[5]!.env).toMatchObject({ RELAY_BOOTSTRAP_BACKEND: 's3' });
    expect(steps[4]!.args).toEqual(['apply', '-input=false', 'tfplan']);
    expect(steps[6]!.args).toContain('-migrate-state');
    expect(() => bootstrapSteps('dev-alice', '/repo', '/out')).toThrow('bootstrap is per account');
  });

  it('deletes the very state file the local backend writes (not terraform.tfstate)', () => {
    const outdir = synthesizeInto(mkdtempSync(path.join(tmpdir(), 'relay-bootstrap-local-')), {
      RELAY_ENVS: 'stag',
      RELAY_COMPONENTS: 'bootstrap',
      RELAY_ROLE: 'ambient',
      RELAY_BOOTSTRAP_BACKEND: 'local',
    });
    const stackDir = path.join(outdir, 'stacks', 'bootstrap-stag');
    const json = JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as { terraform: { backend: { local: { path: string } } } };
    expect(localStateFiles(outdir, 'stag')[0]).toBe(path.join(stackDir, json.terraform.backend.local.path));
  });
});
