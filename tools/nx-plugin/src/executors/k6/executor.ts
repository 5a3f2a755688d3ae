import { runScript } from '../../run-script.ts';

interface Options {
  scenarios: string;
  profile: string;
  target: 'local' | 'remote';
  warmup?: boolean;
}

/** tools/loadgen/k6/cli.ts with a schema (`nx run loadgen:spike --help`). */
export default async function k6Executor(options: Options, context: { root: string }): Promise<{ success: boolean }> {
  return runScript(context.root, 'tools/loadgen/k6/cli.ts', [
    '--scenarios',
    options.scenarios,
    '--profile',
    options.profile,
    '--target',
    options.target,
    ...(options.warmup === false ? ['--no-warmup'] : []),
  ]);
}
