/**
 * node --import tsx tools/cost-model/pr-diff.ts --base-dir <checkout of the base>
 * The offline `infracost diff` for a pull request: synthesizes the base checkout and this one
 * (each with its own code, stub Lambda zips and a preview), prices both with this model, and
 * prints in Markdown what the change adds to or removes from each env's fixed monthly cost,
 * resource by resource: "+$16.43/month in dev: aws_lb.broadcast_alb".
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SYNTH_NODE_ARGS } from '@relay/platform-config';
import { snapshotLine } from '@relay/prices';
import { estimateEnvs, overBudget, type EnvEstimate } from './estimate';
import { readSynthesized } from './synthesized';

const usd = (n: number) => `${n < 0 ? '-' : '+'}$${Math.abs(n).toFixed(2)}`;

/** Each resource's monthly cost, by env, summed over its line items. */
function byResource(envs: EnvEstimate[]): Map<string, Map<string, number>> {
  return new Map(
    envs.map((e) => {
      const resources = new Map<string, number>();
      for (const item of e.stacks.flatMap((s) => s.items)) resources.set(item.resource, (resources.get(item.resource) ?? 0) + item.monthlyUsd);
      return [e.kind === 'preview' ? 'a preview' : e.env, resources];
    }),
  );
}

/** What the change does to each env's fixed monthly cost, largest first; nothing below a cent. */
export function costDiff(base: EnvEstimate[], head: EnvEstimate[]): string[] {
  const before = byResource(base);
  const after = byResource(head);
  const lines: { delta: number; text: string }[] = [];
  for (const env of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(env) ?? new Map<string, number>();
    const now = after.get(env) ?? new Map<string, number>();
    for (const resource of new Set([...was.keys(), ...now.keys()])) {
      const delta = (now.get(resource) ?? 0) - (was.get(resource) ?? 0);
      if (Math.abs(delta) >= 0.005) lines.push({ delta, text: `${usd(delta)}/month in ${env}: ${resource}` });
    }
  }
  return lines.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta)).map((l) => l.text);
}

/** A checkout's stacks and a preview, synthesized by its own code into a temporary folder. */
function synthesize(checkout: string): EnvEstimate[] {
  const run = (args: string[], env: Record<string, string>) => {
    const result = spawnSync(process.execPath, args, { cwd: checkout, encoding: 'utf8', env: { ...process.env, ...env } });
    if (result.status !== 0) throw new Error(`synthesizing ${checkout} failed: ${result.stderr.slice(-2000)}`);
    return result.stdout.trim();
  };
  const stubs = mkdtempSync(path.join(tmpdir(), 'relay-cost-stubs-'));
  run(['--import', 'tsx', '-e', `require('@relay/chat-infra').writeStubArtifacts(${JSON.stringify(stubs)})`], {});
  return ['', 'pr'].flatMap((preview) => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'relay-cost-diff-'));
    run([...SYNTH_NODE_ARGS, 'stacks/src/main.ts'], { CDKTF_OUTDIR: outdir, RELAY_ARTIFACTS_DIR: stubs, ...(preview ? { RELAY_PREVIEW: preview } : {}) });
    return estimateEnvs(readSynthesized(outdir));
  });
}

function main(): void {
  const { values } = parseArgs({ options: { 'base-dir': { type: 'string' } } });
  const baseDir = values['base-dir'];
  if (!baseDir) throw new Error('--base-dir <checkout of the base> is required');
  const base = synthesize(path.resolve(baseDir));
  const head = synthesize(path.resolve(__dirname, '../..'));
  const lines = costDiff(base, head);
  const total = (envs: EnvEstimate[], name: string) => envs.filter((e) => e.env === name).reduce((sum, e) => sum + e.fixedMonthlyUsd, 0);
  console.log('### Fixed monthly cost: this change');
  console.log(lines.length === 0 ? "\nNo change to any environment's fixed monthly cost." : `\n${lines.map((l) => `- ${l}`).join('\n')}`);
  console.log('\n| env | base | head | budget |\n| --- | ---: | ---: | ---: |');
  for (const { env, kind, budgetUsd } of head)
    console.log(
      `| ${env}${kind === 'preview' ? ' (a preview)' : ''} | $${total(base, env).toFixed(2)} | $${total(head, env).toFixed(2)} | $${budgetUsd.toFixed(2)} |`,
    );
  console.log(`\n${snapshotLine(new Date())}`);
  // The head must stay within every budget; the base is what main already is.
  const over = overBudget(head);
  if (over.length > 0) {
    console.log(`\n**Over budget:**\n${over.map((l) => `- ${l}`).join('\n')}`);
    throw new Error(`over budget:\n${over.join('\n')}`);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`cost diff: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
