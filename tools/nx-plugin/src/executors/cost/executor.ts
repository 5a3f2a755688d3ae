import { runScript } from '../../run-script.ts';

interface Options {
  report: 'estimate' | 'actuals';
  env?: string;
  format?: string;
  roomSize?: string | number;
  spike?: boolean;
  days?: number;
}

/**
 * tools/cost's estimate and actuals with a schema (`nx run cost:estimate --help`). An executor,
 * not run-commands: run-commands takes `--env` as its own option (the process environment).
 */
export default async function costExecutor(options: Options, context: { root: string }): Promise<{ success: boolean }> {
  const flag = (name: string, value: string | number | undefined) => (value === undefined ? [] : [`--${name}`, String(value)]);
  if (options.report === 'actuals') return runScript(context.root, 'tools/cost/actuals.ts', [...flag('env', options.env), ...flag('days', options.days)]);
  return runScript(context.root, 'tools/cost/cli.ts', [
    ...flag('env', options.env),
    ...flag('format', options.format),
    ...flag('room-size', options.roomSize),
    ...(options.spike === false ? ['--no-spike'] : []),
  ]);
}
