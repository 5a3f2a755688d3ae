/**
 * Usage: node --import tsx tools/nx-plugin/operations/terraform/cli.ts <validate|plan|apply|destroy> <env> [--dry-run] [--components chat,web]
 *          [--pull-request] [--detailed-exitcode]
 * Behind the stacks project's plan:<env>, apply:<env> and destroy:preview targets. With
 * --detailed-exitcode (drift.yml) it exits 2 when any stack's plan has changes.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { run, type Action } from './runner';

// Four levels up from tools/nx-plugin/operations/<name>/.
const root = path.resolve(__dirname, '../../../..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'dry-run': { type: 'boolean', default: false },
    components: { type: 'string' },
    'pull-request': { type: 'boolean', default: false },
    'detailed-exitcode': { type: 'boolean', default: false },
  },
});
const [action, envName] = positionals;
try {
  if (!['validate', 'plan', 'apply', 'destroy'].includes(action ?? '') || !envName) {
    throw new Error('usage: terraform.ts <validate|plan|apply|destroy> <env> [--dry-run] [--components chat,web] [--pull-request] [--detailed-exitcode]');
  }
  const changed = run(
    action as Action,
    envName,
    {
      outdir: process.env['CDKTF_OUTDIR'] ?? path.join(root, 'cdktf.out'),
      dryRun: values['dry-run'],
      components: values.components?.split(','),
      pullRequest: values['pull-request'],
      detailedExitcode: values['detailed-exitcode'],
    },
    root,
  );
  if (changed.length > 0) {
    console.log(`changes in ${changed.join(', ')}`);
    process.exit(2);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
