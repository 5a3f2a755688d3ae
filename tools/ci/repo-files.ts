import { readdirSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');

// Generated, installed or fetched: never the repository's own files.
const SKIPPED = new Set(['node_modules', '.git', '.nx', 'dist', 'cdktf.out', 'reports', 'coverage', 'tmp', '.tools', 'fixtures', '__snapshots__']);

/** Every file under `dir` (relative to the repository's root), as paths relative to the root. */
export function repoFiles(dir = '.'): string[] {
  return readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (SKIPPED.has(e.name) ? [] : repoFiles(path.join(dir, e.name))) : [path.join(dir, e.name)],
  );
}
