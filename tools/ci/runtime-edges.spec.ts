import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CHAT_FUNCTIONS } from '@relay/chat-core';
import { dependenciesOf, readProjectGraph, type ProjectGraph } from './project-graph';

/**
 * The local runtime runs the Lambda handlers from the apps' sources
 * (serverless-emulator's handler-modules.ts reads apps/<app>/src/functions/<name>.ts), an edge no
 * import shows. So a project with code that starts it (a test, a script, a target) runs those
 * apps, and must depend on them for `nx affected` to re-run it when they change. `local-stack`
 * declares it (it is the stack that runs them), so its callers have it; serverless-emulator,
 * which hosts the handlers, cannot (the apps build on it): the edge is its callers'.
 */
jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../..');
const STARTS_THE_RUNTIME = /\b(startLocalRuntime|startLocalStack|LocalRuntimeProcess\.start)\s*\(/;
const HOSTS = new Set(['serverless-emulator']);
const APPS: string[] = [...new Set(CHAT_FUNCTIONS.map((fn) => fn.app))].sort();

/** A project's own source files: its root, less the roots of projects nested in it. */
function filesOf(graph: ProjectGraph, project: string): string[] {
  const own = graph.nodes[project]!.data.root;
  const nested = new Set(
    Object.values(graph.nodes)
      .map((n) => n.data.root)
      .filter((r) => r !== own && r.startsWith(`${own}/`)),
  );
  const walk = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) return ['node_modules', 'dist', 'fixtures'].includes(e.name) || nested.has(rel) ? [] : walk(rel);
      return /\.(ts|mts|cts|mjs|cjs|js)$/.test(e.name) ? [rel] : [];
    });
  return walk(own);
}

/** Each project (but the host) with a file that starts the runtime, and an app it runs without depending on it. */
export function missingRuntimeEdges(graph: ProjectGraph): string[] {
  return Object.keys(graph.nodes)
    .filter((p) => !HOSTS.has(p) && !APPS.includes(p))
    .sort()
    .flatMap((project) => {
      const starter = filesOf(graph, project).find((f) => STARTS_THE_RUNTIME.test(readFileSync(path.join(root, f), 'utf8')));
      if (!starter) return [];
      const deps = dependenciesOf(graph, project);
      return APPS.filter((app) => !deps.has(app)).map(
        (app) => `${project} runs ${app}'s handlers (${starter} starts the local runtime) without depending on ${app}`,
      );
    });
}

describe("the local runtime's edge to the apps it runs", () => {
  const graph = readProjectGraph(root);

  it('is declared by every project that starts the runtime', () => {
    expect(missingRuntimeEdges(graph)).toEqual([]);
  });

  it('is found where a project drops it', () => {
    const dropped: ProjectGraph = { ...graph, dependencies: { ...graph.dependencies, 'chat-local': [] } };
    expect(missingRuntimeEdges(dropped)).toEqual(
      APPS.map((app) => expect.stringMatching(new RegExp(`^chat-local runs ${app}'s handlers \\(apps/chat-local/`))),
    );
  });
});
