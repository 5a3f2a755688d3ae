import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The file a one-line edit goes to: the project's index.ts or main.ts, else its first non-test
 * TypeScript file, else its first JavaScript module that is not configuration (tools/docs is one
 * .mjs), else, in a project of tests only (a workflow's rehearsal), its first test: every one of
 * them takes a // comment.
 */
export function editableFile(cwd: string, root: string): string | undefined {
  const candidates = ['src/index.ts', 'src/main.ts', 'index.ts'].map((f) => path.join(root, f));
  const named = candidates.find((f) => existsSync(path.join(cwd, f)));
  if (named) return named;
  const walk = (dir: string): string[] =>
    readdirSync(path.join(cwd, dir), { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? (['fixtures', 'node_modules'].includes(e.name) ? [] : walk(path.join(dir, e.name))) : [path.join(dir, e.name)]));
  const files = walk(root);
  return (
    files.find((f) => f.endsWith('.ts') && !/\.(spec|e2e|rehearsal\.spec)\.ts$/.test(f)) ??
    files.find((f) => /\.(mjs|cjs|js)$/.test(f) && !/(^|\/)[^/]*\.config\.[cm]?js$/.test(f)) ??
    files.find((f) => /\.(spec|e2e)\.ts$/.test(f))
  );
}
