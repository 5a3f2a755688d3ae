import { runScript } from '../../run-script.ts';

interface Options {
  env: string;
  dryRun?: boolean;
  wait?: boolean;
}

/** tools/nx-plugin/operations/redrive/cli.ts with a schema (`nx run stacks:redrive-chunks --help`). */
export default async function redriveExecutor(options: Options, context: { root: string }): Promise<{ success: boolean }> {
  return runScript(context.root, 'tools/nx-plugin/operations/redrive/cli.ts', [
    '--env',
    options.env,
    ...(options.dryRun ? ['--dry-run'] : []),
    ...(options.wait === false ? ['--no-wait'] : []),
  ]);
}
