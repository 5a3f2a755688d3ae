import { existsSync } from 'node:fs';
import path from 'node:path';

type Result = readonly [string, { projects: Record<string, { targets: Record<string, unknown> }> }];

/**
 * The type-check of one tsconfig: `tsc`, incremental, emitting declarations only. Its build info
 * (what each file's check found, and the shape each file exports) lives in the workspace's
 * ignored tmp/, one file per tsconfig, so a re-run after an edit checks again only the files
 * whose inputs changed: an edit that leaves a dependency's declarations as they were re-checks
 * nothing that imports it, and one that changes them re-checks every importer. A clean clone has
 * none and checks all. The declarations it writes (declarationsDir) are the target's outputs and
 * what a dependent's typecheck hashes in place of the dependency's sources (nx.json's
 * `dependencyDeclarations`), so an edit that changes no declaration re-runs no dependent's check.
 */
export function typecheckCommand(tsconfig: string): string {
  const name = tsconfig.replace(/\.json$/, '');
  const buildInfo = path.posix.join('tmp/typecheck', `${name.replaceAll('/', '__')}.tsbuildinfo`);
  return `tsc -p ${tsconfig} --incremental --tsBuildInfoFile ${buildInfo} --declaration --emitDeclarationOnly --outDir ${declarationsDir(tsconfig)}`;
}

/**
 * Where one tsconfig's check writes its declarations: tmp/declarations/ at the tsconfig's path,
 * so a project's are all under tmp/declarations/<its root> (the target's outputs, nx.json).
 */
export function declarationsDir(tsconfig: string): string {
  return path.posix.join('tmp/declarations', tsconfig.replace(/\.json$/, ''));
}

/**
 * Infers `typecheck` for every project with a tsconfig.json: typecheckCommand over it.
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
                options: { command: typecheckCommand(file) },
                metadata: { description: 'Type-check the project (tsc, incremental, declarations only)', technologies: ['typescript'] },
              },
            },
          },
        },
      },
    ]);
}

export const createNodes = ['**/tsconfig.json', inferTypecheck] as const;
export const createNodesV2 = createNodes;
