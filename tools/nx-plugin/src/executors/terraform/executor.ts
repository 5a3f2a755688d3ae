import { runScript } from '../../run-script.ts';

interface Options {
  action: 'validate' | 'plan' | 'apply' | 'destroy';
  env: string;
  components?: string;
  dryRun?: boolean;
  pullRequest?: boolean;
  detailedExitcode?: boolean;
}

/** tools/nx-plugin/operations/terraform/cli.ts with a schema (`nx run stacks:plan:stag --help`). */
export default async function terraformExecutor(options: Options, context: { root: string }): Promise<{ success: boolean }> {
  return runScript(context.root, 'tools/nx-plugin/operations/terraform/cli.ts', [
    options.action,
    options.env,
    ...(options.components ? ['--components', options.components] : []),
    ...(options.dryRun ? ['--dry-run'] : []),
    ...(options.pullRequest ? ['--pull-request'] : []),
    ...(options.detailedExitcode ? ['--detailed-exitcode'] : []),
  ]);
}
