import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ProjectGraph {
  nodes: Record<string, { data: { root: string; targets?: Record<string, { outputs?: string[]; inputs?: unknown[] }> } }>;
  dependencies: Record<string, { target: string }[]>;
}

/** The workspace's project graph as Nx computes it (inferred targets and implicit edges included). */
export function readProjectGraph(root: string): ProjectGraph {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-graph-'));
  try {
    const file = path.join(dir, 'graph.json');
    const run = spawnSync(process.execPath, [require.resolve('nx/bin/nx'), 'graph', `--file=${file}`], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
    });
    if (run.status !== 0) throw new Error(`nx graph: ${run.stderr}`);
    return (JSON.parse(readFileSync(file, 'utf8')) as { graph: ProjectGraph }).graph;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every project `project` depends on, directly or not. */
export function dependenciesOf(graph: ProjectGraph, project: string): Set<string> {
  const seen = new Set<string>();
  const queue = [project];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const { target } of graph.dependencies[next] ?? []) {
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}

/** The project whose root holds `file` (a workspace-relative path): the deepest, where roots nest. */
export function projectOwning(graph: ProjectGraph, file: string): string | undefined {
  let owner: { name: string; depth: number } | undefined;
  for (const [name, node] of Object.entries(graph.nodes)) {
    const { root } = node.data;
    if (root === '.' || (file !== root && !file.startsWith(`${root}/`))) continue;
    if (!owner || root.length > owner.depth) owner = { name, depth: root.length };
  }
  return owner?.name;
}
