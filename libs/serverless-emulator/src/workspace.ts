import { existsSync } from 'node:fs';
import path from 'node:path';

/** The monorepo root: the nearest directory above `from` holding nx.json. */
export function workspaceRoot(from = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    if (dir === path.dirname(dir)) throw new Error(`no nx.json above ${from}`);
  }
}
