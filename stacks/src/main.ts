import path from 'node:path';
import { buildApp } from './app';
import { selectStacks } from './selection';

/** `nx run stacks:synth`: writes cdktf.out/stacks/<stack>/cdk.tf.json for the selected stacks. */
function main(): void {
  const root = path.resolve(__dirname, '..', '..');
  const plans = selectStacks(process.env);
  const app = buildApp(plans, {
    outdir: process.env['CDKTF_OUTDIR'] ?? path.join(root, 'cdktf.out'),
    artifactsDir: process.env['RELAY_ARTIFACTS_DIR'] ?? path.join(root, 'dist', 'apps'),
  });
  app.synth();
  console.log(`synthesized ${plans.length} stacks: ${plans.map((p) => p.id).join(', ')}`);
}

try {
  main();
} catch (error) {
  console.error(`synth failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
