import { runScript } from '../../run-script.ts';

interface Options {
  profile: string;
  target: string;
  /** The same as target: Nx keeps `--target` for itself, so `--env=stag` is how to name an env through Nx. */
  env?: string;
  /** Default: 3 locally, the plan's count against an env. */
  tasks?: number;
}

/** tools/loadgen/fleet/cli.ts with a schema (`nx run loadgen:fleet --help`). */
export default async function fleetExecutor(options: Options, context: { root: string }): Promise<{ success: boolean }> {
  return runScript(context.root, 'tools/loadgen/fleet/cli.ts', [
    '--profile',
    options.profile,
    '--target',
    options.env ?? options.target,
    ...(options.tasks === undefined ? [] : ['--tasks', String(options.tasks)]),
  ]);
}
