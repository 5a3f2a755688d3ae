/**
 * Opens or closes a developer preview (chat-dev-<name> in the dev account):
 *   node --import tsx tools/nx-plugin/operations/preview/cli.ts open alice [--dry-run]      (or --name alice)
 *   node --import tsx tools/nx-plugin/operations/preview/cli.ts close alice [--dry-run]
 * Behind `nx run stacks:preview:open --name=alice` and `stacks:preview:close`.
 * open = synth the preview, plan, apply that plan; close = destroy it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { previewName } from '@relay/platform-config';
import { SYNTH_NODE_ARGS } from '@relay/platform-config';
import { run } from '../terraform/runner';

// Four levels up from tools/nx-plugin/operations/<name>/.
const root = path.resolve(__dirname, '../../../..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'dry-run': { type: 'boolean', default: false }, name: { type: 'string' } },
});
const [verb, positionalName] = positionals;
const developer = positionalName ?? values.name;

function main(): void {
  if ((verb !== 'open' && verb !== 'close') || !developer)
    throw new Error('usage: preview.ts <open|close> <name> [--dry-run]  (nx run stacks:preview:open --name=<name>)');
  const env = previewName(developer);
  const outdir = process.env['CDKTF_OUTDIR'] ?? path.join(root, 'cdktf.out');
  const synth = spawnSync(process.execPath, [...SYNTH_NODE_ARGS, path.join(root, 'stacks/src/main.ts')], {
    stdio: 'inherit',
    env: { ...process.env, RELAY_PREVIEW: developer, RELAY_ENVS: '', CDKTF_OUTDIR: outdir },
  });
  if (synth.status !== 0) throw new Error('synth of the preview failed');
  const options = { outdir, dryRun: values['dry-run'] };
  if (verb === 'open') {
    run('plan', env, options, root);
    run('apply', env, options, root);
  } else {
    run('destroy', env, options, root);
  }
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
