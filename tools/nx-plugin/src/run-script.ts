import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * Runs one of the workspace's scripts (tools/nx-plugin/scripts/*.ts) on this Node with tsx, in the
 * workspace root: the scripts are the tools, the executors give them schemas and defaults.
 */
export function runScript(root: string, script: string, args: string[]): { success: boolean } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, script), ...args], { cwd: root, stdio: 'inherit' });
  return { success: result.status === 0 };
}
