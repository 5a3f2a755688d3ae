import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SynthesizedStack } from '@relay/emulators';
import { resolveEnvironment, type Environment } from '@relay/platform-config';

export type { SynthesizedStack };

export interface StackInput {
  /** The stack id: <component>-<env>, e.g. platform-dev or chat-dev-erin (a preview). */
  id: string;
  component: string;
  env: Environment;
  stack: SynthesizedStack;
}

/**
 * The stacks a synth wrote, read as the terraform runner reads them: cdktf.out/manifest.json
 * names each stack and its cdk.tf.json. The environment comes from the stack id's catalogue name.
 */
export function readSynthesized(outdir: string): StackInput[] {
  const manifestPath = path.join(outdir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`no ${manifestPath}: synthesize first (npx nx run stacks:synth)`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
  return Object.entries(manifest.stacks)
    .map(([id, { synthesizedStackPath }]) => {
      const [component = '', ...rest] = id.split('-');
      return {
        id,
        component,
        env: resolveEnvironment(rest.join('-')),
        stack: JSON.parse(readFileSync(path.join(outdir, synthesizedStackPath), 'utf8')) as SynthesizedStack,
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}
