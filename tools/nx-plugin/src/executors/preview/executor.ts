import { runScript } from '../../run-script.ts';

interface Options {
  action: 'open' | 'close';
  name: string;
  dryRun?: boolean;
}

/** tools/nx-plugin/operations/preview/cli.ts with a schema (`nx run stacks:preview:open --help`). */
export default async function previewExecutor(options: Options, context: { root: string }): Promise<{ success: boolean }> {
  return runScript(context.root, 'tools/nx-plugin/operations/preview/cli.ts', [options.action, options.name, ...(options.dryRun ? ['--dry-run'] : [])]);
}
