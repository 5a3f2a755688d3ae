import { dependenciesOf, projectOwning, readProjectGraph, type ProjectGraph } from './project-graph';
import { repoRoot as root } from './repo-files';

/**
 * `nx affected` counts a project as touched when an edited file matches any of its targets'
 * inputs, wherever the file lives. So an input into another project's folder is an edge the graph
 * does not show: `loadtests:task-bundle` took `tools/fleet/**` as an input, and every fleet edit
 * re-ran the scenarios' tests and, through them, the repository checks (`ci`). An input into
 * another project's folder is allowed where that project is already a dependency (the edge is in
 * the graph), or where the file is shared build machinery every such target runs through, below.
 */
jest.setTimeout(120_000);

/** Files in a project's folder that other projects' targets run through, and why. */
const SHARED_MACHINERY: Record<string, string> = {
  '{workspaceRoot}/tools/ci/jest-json-report.cjs': 'the reporter every Jest run writes its JSON report through (jest.preset.js)',
  '{workspaceRoot}/tools/nx-plugin/operations/lambda-bundle/**/*': "the Lambda bundles' executor",
  '{workspaceRoot}/tools/nx-plugin/operations/service-bundle/**/*': "the service bundles' executor",
};

type Targets = Record<string, { inputs?: unknown[] }>;

/** Every input of every target that lies in a folder of a project the target's project does not depend on. */
export function hiddenInputEdges(graph: ProjectGraph): string[] {
  const found: string[] = [];
  for (const [name, node] of Object.entries(graph.nodes)) {
    const deps = dependenciesOf(graph, name);
    for (const [target, config] of Object.entries((node.data.targets ?? {}) as Targets)) {
      for (const input of config.inputs ?? []) {
        if (typeof input !== 'string' || !input.startsWith('{workspaceRoot}/')) continue;
        if (SHARED_MACHINERY[input]) continue;
        const file = input.slice('{workspaceRoot}/'.length);
        const owner = projectOwning(graph, file);
        if (owner && owner !== name && !deps.has(owner)) found.push(`${name}:${target} takes ${input}, in ${owner}, which it does not depend on`);
      }
    }
  }
  return found;
}

describe('target inputs', () => {
  it("reach into another project's folder only where the graph shows the edge", () => {
    expect(hiddenInputEdges(readProjectGraph(root))).toEqual([]);
  });

  it('are caught where one reaches into a project that is not a dependency', () => {
    // Made-up projects: a scenarios project whose bundle takes the runner's files as inputs.
    const graph: ProjectGraph = {
      nodes: {
        scenarios: { data: { root: 'scenarios', targets: { bundle: { inputs: ['production', '{workspaceRoot}/tools/runner/**/*'] } } as never } },
        runner: { data: { root: 'tools/runner', targets: { bundle: { inputs: ['{workspaceRoot}/scenarios/src/**/*'] } } as never } },
      },
      dependencies: { scenarios: [], runner: [{ target: 'scenarios' }] },
    };
    expect(hiddenInputEdges(graph)).toEqual(['scenarios:bundle takes {workspaceRoot}/tools/runner/**/*, in runner, which it does not depend on']);
  });
});
