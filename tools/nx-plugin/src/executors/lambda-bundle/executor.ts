import { runScript } from '../../run-script.ts';

interface Options {
  projectRoot: string;
  outputPath: string;
}

/** tools/scripts/build-lambdas.ts with a schema (`nx run chat-ws:build --help`). */
export default async function lambdaBundleExecutor(options: Options, context: { root: string }): Promise<{ success: boolean }> {
  return runScript(context.root, 'tools/scripts/build-lambdas.ts', [options.projectRoot, options.outputPath]);
}
