import { runScript } from '../../run-script.ts';

interface Options {
  action: 'open' | 'close';
  name: string;
  dryRun?: boolean;
}

/** tools/scripts/preview.ts with a schema (`nx run stacks:preview:open --help`). */
export default async function previewExecutor(options: Options, context: { root: string }): Promise<{ success: boolean }> {
  return runScript(context.root, 'tools/scripts/preview.ts', [options.action, options.name, ...(options.dryRun ? ['--dry-run'] : [])]);
}
