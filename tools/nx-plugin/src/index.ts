import { existsSync } from 'node:fs';
import path from 'node:path';

type Result = readonly [string, { projects: Record<string, { targets: Record<string, unknown> }> }];

/**
 * Infers `typecheck` for every project with a tsconfig.json: `tsc -p <project> --noEmit`.
 * `@nx/js/typescript` would infer `tsc --build` over project references, which this workspace
 * does not use: libraries are mapped to their sources by tsconfig.base.json paths, never built.
 * Only existing projects (a project.json beside the tsconfig) get the target.
 */
function inferTypecheck(files: readonly string[], _options: unknown, context: { workspaceRoot: string }): Result[] {
  return files
    .map((file) => ({ file, root: path.dirname(file) }))
    .filter(({ root }) => root !== '.' && existsSync(path.join(context.workspaceRoot, root, 'project.json')))
    .map(({ file, root }) => [
      file,
      {
        projects: {
          [root]: {
            targets: {
              typecheck: {
                executor: 'nx:run-commands',
                cache: true,
                options: { command: `tsc -p ${file} --noEmit` },
                metadata: { description: 'Type-check the project (tsc --noEmit)', technologies: ['typescript'] },
              },
            },
          },
        },
      },
    ]);
}

export const createNodes = ['**/tsconfig.json', inferTypecheck] as const;
export const createNodesV2 = createNodes;
