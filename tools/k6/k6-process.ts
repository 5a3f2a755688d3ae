import { spawnSync } from 'node:child_process';
import path from 'node:path';

// Four levels up from tools/nx-plugin/operations/<name>/.
export const workspaceRoot = path.resolve(__dirname, '../..');

/** The pinned k6 (tools/k6/install.sh builds it once), or $K6_BIN. */
export function ensureK6(): string {
  if (process.env['K6_BIN']) return process.env['K6_BIN'];
  const install = spawnSync('bash', [path.join(workspaceRoot, 'tools/k6/install.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (install.status !== 0) throw new Error('could not provide k6 (tools/k6/install.sh failed)');
  return path.join(workspaceRoot, '.tools/bin/k6');
}

/**
 * k6's environment for every run here. k6 is Go: at the default GOGC its collector took ~30% of
 * its CPU per WebSocket message in a 1,000-socket, 2,000 messages/s run here; at 400 that share
 * goes to the load, for ~2x its heap (~200 -> ~370 MB). A caller's GOGC wins.
 */
export function k6Environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOGC: process.env['GOGC'] ?? '400',
    K6_AUTO_EXTENSION_RESOLUTION: 'false',
    K6_NO_USAGE_REPORT: 'true',
    ...extra,
  };
}
