import { runScript } from '../../run-script.ts';

interface Options {
  projectRoot: string;
  outputPath: string;
}

/** tools/nx-plugin/operations/lambda-bundle/bundle.ts with a schema (`nx run chat-ws:build --help`). */
export default async function lambdaBundleExecutor(options: Options, context: { root: string }): Promise<{ success: boolean }> {
  return runScript(context.root, 'tools/nx-plugin/operations/lambda-bundle/bundle.ts', [options.projectRoot, options.outputPath]);
}
