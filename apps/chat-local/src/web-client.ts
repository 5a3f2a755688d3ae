import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from '@relay/serverless-emulator';

/** The newest modification time under a folder (files only). */
function newestChange(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestChange(full) : statSync(full).mtimeMs);
  }, 0);
}

/**
 * The web client's built files, built first when there are none or its sources changed after the
 * last build. Here, not in the local stack: only this app serves the client, so only it depends on web.
 */
export function builtWebClient(): { root: string } {
  const root = workspaceRoot();
  const built = path.join(root, 'dist', 'apps', 'web');
  const index = path.join(built, 'index.html');
  if (!existsSync(index) || newestChange(path.join(root, 'apps', 'web')) > statSync(index).mtimeMs) {
    const result = spawnSync('npx', ['vite', 'build', '--config', path.join(root, 'apps/web/vite.config.ts'), '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (result.status !== 0) throw new Error('building the web client failed');
  }
  return { root: built };
}
