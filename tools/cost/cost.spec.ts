import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { synthesizeInto } from '@relay/emulators';
import { ensureK6 } from '@relay/k6-process';
import { NIGHTLY_PROFILES } from '@relay/fleet';
import { BASE_ENVIRONMENTS } from '@relay/platform-config';
import { DAYS_PER_MONTH, estimateEnvs, readSynthesized, type StackInput } from '@relay/cost-model';
import { nightlySpikeCost } from './spike';

/** The real stacks, synthesized as `nx run stacks:synth` does (the model's own tests are tools/cost-model's). */
jest.setTimeout(300_000);
const root = path.resolve(__dirname, '../..');
const outdir = synthesizeInto(mkdtempSync(path.join(tmpdir(), 'relay-cost-')));
const stacks = readSynthesized(outdir);
const byId = (id: string): StackInput => stacks.find((s) => s.id === id)!;

describe('a night of the spike, as the fleet plans it', () => {
  it("plans for thirty nights of the spike and its edge in the fleet's planned runs, which stag's AWS Budget adds to its idle figure", () => {
    const stag = byId('loadgen-stag').env;
    const edge = estimateEnvs(stacks).find((e) => e.env === 'stag')!.loadTestEdge!;
    const night = nightlySpikeCost(stag, ensureK6()).usd + edge.nightlyUsd;
    expect(stag.loadgen!.plannedMonthlyUsd).toBeGreaterThanOrEqual(night * DAYS_PER_MONTH);
  });

  it('prices the night the nightly workflow runs, each run as the fleet estimates it before launch', () => {
    const workflow = readFileSync(path.join(root, '.github/workflows/nightly-spike.yml'), 'utf8');
    const profiles = (parse(workflow) as { jobs: Record<string, { env?: Record<string, string> }> }).jobs;
    const expression = Object.values(profiles)
      .map((j) => j.env?.['PROFILES'])
      .find(Boolean)!;
    expect(expression).toContain(`'${NIGHTLY_PROFILES.join(' ')}'`);
    const night = nightlySpikeCost(byId('loadgen-stag').env, ensureK6());
    expect(night.usd).toBeGreaterThan(0);
    for (const name of NIGHTLY_PROFILES) expect(night.lines.some((l) => l.startsWith(`${name} (`))).toBe(true);
  });
});

describe('cost:estimate', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'cli.ts'), ...args], { cwd: root, encoding: 'utf8' });

  it('prints every env and the preview as JSON from a synthesized folder', () => {
    const run = cli('--outdir', outdir, '--format', 'json', '--no-spike');
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as { envs: Record<string, unknown>; preview: { env: string; dailyUsd: number } };
    expect(Object.keys(json.envs).sort()).toEqual([...BASE_ENVIRONMENTS].sort());
    expect(json.preview.env).toMatch(/^dev-/);
    expect(json.preview.dailyUsd).toBeLessThanOrEqual(0.3);
  });

  it('exits 1 after the report when an env is over its budget', () => {
    const over = mkdtempSync(path.join(tmpdir(), 'relay-cost-over-'));
    cpSync(outdir, over, { recursive: true });
    const manifest = path.join(over, 'stacks/platform-dev/cdk.tf.json');
    const json = JSON.parse(readFileSync(manifest, 'utf8')) as { resource: Record<string, Record<string, unknown>> };
    json.resource['aws_lb'] = { extra: Object.values(byId('platform-prod').stack.resource['aws_lb']!)[0] };
    writeFileSync(manifest, JSON.stringify(json));
    const run = cli('--outdir', over, '--env', 'dev', '--no-spike');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^dev: \$\d+\.\d\d a month \(budget \$10\.00: OVER\)$/m);
    expect(run.stderr).toMatch(/over budget:\ndev: .* over its budget of \$10\.00/);
  });

  it('answers bad input with a clear error', () => {
    expect(cli('--format', 'yaml').stderr).toMatch(/--format takes table, json, markdown, not "yaml"/);
    expect(cli('--env', 'qa-nope').stderr).toMatch(/--env takes dev, stag, prod, preview/);
    const missing = cli('--outdir', path.join(tmpdir(), 'no-such-synth'));
    expect([missing.status, missing.stderr]).toEqual([1, expect.stringMatching(/synthesize first/)]);
  });
});
