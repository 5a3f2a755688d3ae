/**
 * Opens or closes a developer preview (chat-dev-<name> in the dev account):
 *   node --import tsx tools/nx-plugin/operations/preview/cli.ts open alice [--dry-run]      (or --name alice)
 *   node --import tsx tools/nx-plugin/operations/preview/cli.ts close alice [--dry-run]
 * Behind `nx run stacks:preview:open --name=alice` and `stacks:preview:close`.
 * open = synth the preview, plan, apply that plan; close = destroy it, then remove what destroy
 * leaves (its SSM parameters and secrets, recreated log groups, its state object: cleanup.ts).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { previewName, resolveEnvironment, SYNTH_NODE_ARGS } from '@relay/platform-config';
import { run } from '../terraform/runner';
import { cleanupPreview } from './cleanup';

// Four levels up from tools/nx-plugin/operations/<name>/.
const root = path.resolve(__dirname, '../../../..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'dry-run': { type: 'boolean', default: false }, name: { type: 'string' } },
});
const [verb, positionalName] = positionals;
const developer = positionalName ?? values.name;

async function main(): Promise<void> {
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
    if (options.dryRun) return;
    const preview = resolveEnvironment(env);
    const region = { region: preview.region };
    const report = await cleanupPreview(preview, { ssm: new SSMClient(region), logs: new CloudWatchLogsClient(region), s3: new S3Client(region) });
    console.log(`removed ${report.parameters.length} parameters, ${report.logGroups.length} log groups and the state object of ${preview.name}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
