import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASE_ENVIRONMENTS, deployedComponents, resolveEnvironment, SYNTH_NODE_ARGS } from '@relay/platform-config';

export type TerraformResources = Record<string, Record<string, Record<string, unknown>>>;
export interface SynthesizedStack {
  resource: TerraformResources;
  [block: string]: unknown;
}

/**
 * The block a Terraform reference of the stack points at: `${type.name.attr}` a resource,
 * `${data.type.name.attr}` a data source (the load-test edge's lookups of the platform).
 */
export function referencedBlock(
  stack: SynthesizedStack,
  reference: unknown,
): { kind: 'resource' | 'data'; type: string; config: Record<string, unknown> } | undefined {
  const [, data, type = '', name = ''] = /^\$\{(data\.)?([\w-]+)\.([\w-]+)\.[\w-]+\}$/.exec(String(reference ?? '')) ?? [];
  const blocks = data ? ((stack['data'] ?? {}) as TerraformResources) : stack.resource;
  const config = blocks[type]?.[name];
  return config ? { kind: data ? 'data' : 'resource', type, config } : undefined;
}

/**
 * Synthesizes the stacks exactly as `nx run stacks:synth` does (a separate process running
 * stacks/src/main.ts, stub Lambda zips) into a temporary folder and reads the JSON back, so
 * checks see what would be applied, never the TypeScript objects behind it.
 */
export function synthesizeStacks(env: Record<string, string> = {}): Record<string, SynthesizedStack> {
  const outdir = synthesizeInto(mkdtempSync(path.join(tmpdir(), 'relay-synth-')), env);
  const dir = path.join(outdir, 'stacks');
  return Object.fromEntries(readdirSync(dir).map((id) => [id, JSON.parse(readFileSync(path.join(dir, id, 'cdk.tf.json'), 'utf8')) as SynthesizedStack]));
}

/**
 * The placeholder Lambda zips the synth embeds. chat-infra is read here, not at the top: its
 * barrel is the constructs, and cdktf with them (some 450 modules), which the emulators' other
 * users (every rehearsal step, every spec that starts moto) never need.
 */
function stubArtifacts(dir: string): string {
  const { writeStubArtifacts } = require('@relay/chat-infra') as typeof import('@relay/chat-infra');
  return writeStubArtifacts(dir);
}

/** Runs the synth into `outdir` (stacks/<id>/cdk.tf.json and manifest.json) and returns it. */
export function synthesizeInto(outdir: string, env: Record<string, string> = {}): string {
  const root = path.resolve(__dirname, '../..');
  const result = spawnSync(process.execPath, [...SYNTH_NODE_ARGS, 'stacks/src/main.ts'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir, RELAY_ARTIFACTS_DIR: stubArtifacts(mkdtempSync(path.join(tmpdir(), 'relay-stubs-'))) },
  });
  if (result.status !== 0) throw new Error(`synth failed: ${result.stderr}`);
  return outdir;
}

/** Every environment's stacks and one preview's. */
export function synthesizeEverything(): Record<string, SynthesizedStack> {
  return { ...synthesizeStacks(), ...synthesizeStacks({ RELAY_PREVIEW: 'erin' }) };
}

/**
 * How many stacks synthesizeEverything() yields, from the catalogue: each base environment's
 * bootstrap and deployed components (loadgen only where the catalogue gives the env a fleet),
 * its load-test edge where it has one,
 * and the preview's chat stack. A new environment changes it; no test counts stacks by hand.
 */
export function everythingStackCount(): number {
  return (
    BASE_ENVIRONMENTS.reduce((sum, name) => {
      const env = resolveEnvironment(name);
      return sum + 1 + deployedComponents(env).length + (env.loadTestEdge ? 1 : 0);
    }, 0) + 1
  );
}
