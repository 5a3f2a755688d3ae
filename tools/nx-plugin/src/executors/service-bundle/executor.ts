import { runScript } from '../../run-script.ts';

interface Options {
  projectRoot: string;
  outputPath: string;
  /** The entry file (default: <projectRoot>/src/main.ts). */
  entry?: string;
}

/** tools/nx-plugin/operations/service-bundle/bundle.ts with a schema (`nx run broadcast-api:build --help`). */
export default async function serviceBundleExecutor(options: Options, context: { root: string }): Promise<{ success: boolean }> {
  return runScript(context.root, 'tools/nx-plugin/operations/service-bundle/bundle.ts', [
    options.projectRoot,
    options.outputPath,
    ...(options.entry ? [options.entry] : []),
  ]);
}
