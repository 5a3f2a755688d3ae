import path from 'node:path';
import { buildApp } from './app';
import { selectStacks } from './selection';

/**
 * `nx run stacks:synth`: writes cdktf.out/stacks/<stack>/cdk.tf.json for the selected stacks.
 * RELAY_ROLE=plan makes provider and backend assume the read-only plan role; RELAY_ROLE=ambient
 * assumes nothing (CI, whose OIDC session is already the plan or the deploy role).
 */
function main(): void {
  const root = path.resolve(__dirname, '..', '..');
  const plans = selectStacks(process.env);
  const role = process.env['RELAY_ROLE'] ?? 'deploy';
  if (role !== 'deploy' && role !== 'plan' && role !== 'ambient') {
    throw new Error(`RELAY_ROLE is deploy, plan or ambient, not "${role}"`);
  }
  const bootstrapBackend = process.env['RELAY_BOOTSTRAP_BACKEND'] ?? 's3';
  if (bootstrapBackend !== 'local' && bootstrapBackend !== 's3') {
    throw new Error(`RELAY_BOOTSTRAP_BACKEND is local or s3, not "${bootstrapBackend}"`);
  }
  const app = buildApp(plans, {
    role,
    bootstrapBackend,
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
