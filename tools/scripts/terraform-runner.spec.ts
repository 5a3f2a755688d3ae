import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bootstrapSteps } from './bootstrap-account';
import { commandsFor, PLAN_FILE, RunnerError } from './terraform-runner';

function outdirWith(...stacks: string[]): string {
  const outdir = mkdtempSync(path.join(tmpdir(), 'relay-out-'));
  for (const id of stacks) mkdirSync(path.join(outdir, 'stacks', id), { recursive: true });
  return outdir;
}

const summary = (commands: { cwd: string; args: string[] }[]) => commands.map((c) => `${path.basename(c.cwd)}:${c.args[0]}`);

describe('terraform runner', () => {
  it('plans an environment stack by stack in dependency order, never a neighbour env', () => {
    const outdir = outdirWith('web-dev', 'chat-dev', 'bootstrap-dev', 'platform-dev', 'chat-dev-alice', 'chat-stag');
    expect(summary(commandsFor('plan', 'dev', { outdir }))).toEqual([
      'bootstrap-dev:init', 'bootstrap-dev:plan', 'bootstrap-dev:show',
      'platform-dev:init', 'platform-dev:plan', 'platform-dev:show',
      'chat-dev:init', 'chat-dev:plan', 'chat-dev:show',
      'web-dev:init', 'web-dev:plan', 'web-dev:show',
    ]);
  });

  it('applies only a saved plan', () => {
    const outdir = outdirWith('chat-stag', 'web-stag');
    expect(() => commandsFor('apply', 'stag', { outdir })).toThrow(/no saved plan: apply only applies a reviewed plan/);
    for (const id of ['chat-stag', 'web-stag']) writeFileSync(path.join(outdir, 'stacks', id, PLAN_FILE), 'plan');
    const apply = commandsFor('apply', 'stag', { outdir }).filter((c) => c.args[0] === 'apply');
    expect(apply.map((c) => c.args.at(-1))).toEqual([PLAN_FILE, PLAN_FILE]);
  });

  it('destroys previews only, in reverse order', () => {
    const outdir = outdirWith('chat-dev-bob', 'chat-prod');
    expect(summary(commandsFor('destroy', 'dev-bob', { outdir }))).toEqual(['chat-dev-bob:init', 'chat-dev-bob:destroy']);
    expect(() => commandsFor('destroy', 'prod', { outdir })).toThrow(RunnerError);
    expect(() => commandsFor('destroy', 'prod', { outdir })).toThrow('destroy is for previews only');
  });

  it('plans a pull request without refresh or lock, and never applies for one', () => {
    const outdir = outdirWith('chat-prod');
    const plan = commandsFor('plan', 'prod', { outdir, pullRequest: true }).find((c) => c.args[0] === 'plan')!;
    expect(plan.args).toEqual(expect.arrayContaining(['-refresh=false', '-lock=false']));
    expect(commandsFor('plan', 'prod', { outdir }).find((c) => c.args[0] === 'plan')!.args).not.toContain('-refresh=false');
    writeFileSync(path.join(outdir, 'stacks', 'chat-prod', PLAN_FILE), 'plan');
    expect(() => commandsFor('apply', 'prod', { outdir, pullRequest: true })).toThrow('a pull request never applies');
  });

  it('rejects unknown environments and missing synth output clearly', () => {
    expect(() => commandsFor('plan', 'qa', { outdir: outdirWith() })).toThrow('unknown environment "qa"');
    expect(() => commandsFor('plan', 'prod', { outdir: outdirWith('chat-dev') })).toThrow(/no synthesized stacks for prod/);
  });
});

describe('bootstrap-account', () => {
  it('applies a new account on local state, then moves the state into its bucket and proves it', () => {
    const steps = bootstrapSteps('stag', '/repo', '/out');
    expect(steps.map((s) => [s.command.endsWith('aws') ? 'aws' : path.basename(s.command) === 'terraform' ? 'terraform' : 'node', s.args.find((a) => !a.startsWith('-')) ?? s.args[0]])).toEqual([
      ['aws', 'sts'], ['node', 'tsx'], ['terraform', 'init'], ['terraform', 'plan'], ['terraform', 'apply'], ['node', 'tsx'], ['terraform', 'init'], ['terraform', 'state'],
    ]);
    expect(steps[1]!.env).toMatchObject({ RELAY_ROLE: 'ambient', RELAY_BOOTSTRAP_BACKEND: 'local', RELAY_COMPONENTS: 'bootstrap' });
    expect(steps[5]!.env).toMatchObject({ RELAY_BOOTSTRAP_BACKEND: 's3' });
    expect(steps[4]!.args).toEqual(['apply', '-input=false', 'tfplan']);
    expect(steps[6]!.args).toContain('-migrate-state');
    expect(() => bootstrapSteps('dev-alice', '/repo', '/out')).toThrow('bootstrap is per account');
  });
});
