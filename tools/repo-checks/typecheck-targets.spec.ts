import { execFileSync } from 'node:child_process';
import { readProjectGraph, repoRoot as root } from '@relay/ci';

/**
 * Every project's `typecheck` checks each of its tsconfigs incrementally, into a build info of
 * its own under the ignored tmp/: the inferred target does (typecheckCommand, tools/nx-plugin),
 * and so must a project that writes its own command. Two checks sharing one build info would
 * each throw away the other's; a build info in a tracked folder would be committed.
 */
jest.setTimeout(120_000);

const CHECK = /^tsc -p (\S+) --noEmit --incremental --tsBuildInfoFile (tmp\/typecheck\/\S+\.tsbuildinfo)$/;

it('checks every tracked tsconfig of a project incrementally, each into a build info of its own', () => {
  const graph = readProjectGraph(root);
  const buildInfoOf = new Map<string, string>();
  const checked = new Set<string>();
  const wrong: string[] = [];
  for (const [name, node] of Object.entries(graph.nodes)) {
    const command = (node.data.targets?.['typecheck'] as { options?: { command?: string } } | undefined)?.options?.command;
    if (!command) continue;
    for (const part of command.split('&&').map((c) => c.trim())) {
      const [, tsconfig, buildInfo] = CHECK.exec(part) ?? [];
      if (!tsconfig || !buildInfo) {
        wrong.push(`${name}: "${part}" is not an incremental check into tmp/typecheck/`);
        continue;
      }
      const other = buildInfoOf.get(buildInfo);
      if (other && other !== tsconfig) wrong.push(`${name}: ${tsconfig} shares ${buildInfo} with ${other}`);
      buildInfoOf.set(buildInfo, tsconfig);
      checked.add(tsconfig);
    }
  }
  expect(wrong).toEqual([]);
  // Every tsconfig.json in a project folder is some project's check (the root's is the base).
  const roots = Object.values(graph.nodes).map((n) => n.data.root);
  const tracked = execFileSync('git', ['ls-files', '*tsconfig.json'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && f.includes('/') && !f.includes('/files/') && roots.some((r) => f.startsWith(`${r}/`)));
  expect(tracked.length).toBeGreaterThan(30);
  expect(tracked.filter((f) => !checked.has(f))).toEqual([]);
});
