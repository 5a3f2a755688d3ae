import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CHAT_FUNCTIONS } from '@relay/runtime-contract';
import { dependenciesOf, projectOwning, readProjectGraph, repoRoot as root, type ProjectGraph } from '@relay/ci';

/**
 * `nx affected` re-runs a project when one it depends on changes, and sees only the edges the
 * graph has: imports and declared ones. Code that reads or runs another project's files by path
 * shows no import, so each such edge must be declared. Two ways code does that:
 * - a path into another project's root, written in the code (`'loadtests/src'`,
 *   `'apps/broadcast-api/Dockerfile'`);
 * - a call into a library that runs a project for its caller: the local runtime runs the apps'
 *   handlers from their sources (serverless-emulator's handler-modules.ts), and the synth helpers
 *   run the stacks (emulators' synthesized-stacks.ts). The host cannot depend on what it runs for
 *   everyone (the apps build on serverless-emulator), so the edge is each caller's.
 * A generator names the files it edits at their markers and reads none of them: that edge is the
 * one of the project whose tests run the generator on a copy of the workspace (EDITED_BY).
 * A workflow rehearsal runs a workflow's steps, and they run scripts by path: each script's
 * project is the rehearsal's edge (stepScripts), or NOT_EDGES says which job it never runs.
 * It reads every project's code, so it re-runs on any edit (repo-checks hashes the whole tree as
 * its input) and pr.yml runs it on every pull request, whatever the change touches.
 */
jest.setTimeout(120_000);

const APPS: string[] = [...new Set(CHAT_FUNCTIONS.map((fn) => fn.app))].sort();

/** Calls that run another project, where the caller must depend on it. */
const HOSTED_RUNS = [
  { host: 'serverless-emulator', call: /\b(startLocalRuntime|startLocalStack|LocalRuntimeProcess\.start)\s*\(/, runs: APPS, what: 'starts the local runtime' },
  { host: 'emulators', call: /\bsynthesize(Stacks|Into|Everything)\s*\(/, runs: ['stacks'], what: 'synthesizes the stacks' },
];

/**
 * Paths into a folder of projects built at run time (`apps/${fn.app}/…`, `path.join(root, 'apps', app)`):
 * no literal names the project, so each file that builds one says which projects it can reach.
 */
const DYNAMIC_PATHS: Record<string, { reaches: string[]; why: string }> = {
  'tools/role-calls/runtime/runtime-roles.spec.ts': { reaches: APPS, why: "reads each chat function's source (CHAT_FUNCTIONS' apps)" },
  'tools/bench/bundles.ts': { reaches: APPS, why: "sizes each chat app's built bundles (CHAT_FUNCTIONS' apps)" },
};
const DYNAMIC_PATH = /`(apps|libs|tools)\/\$\{|['"](apps|libs|tools)['"],\s*[A-Za-z_$][\w$.]*\s*[,)]/;

/** Code that names other projects' files to write into them, and the project whose tests run it there. */
const EDITED_BY = [
  { dir: 'tools/nx-plugin/src/generators/environment/', testedBy: 'nx-plugin-e2e' },
  { dir: 'tools/nx-plugin/src/generators/route/', testedBy: 'nx-plugin-e2e-route' },
];

/** A rehearsal runs a workflow by its file name; its steps' scripts are named by path. */
const REHEARSES = /\bnew WorkflowRehearsal\(/;
const WORKFLOW_FILE = /['"`]([\w-]+\.ya?ml)['"`]/g;
const STEP_PATH = /(?:^|[\s"'=(])((?:apps|libs|tools|stacks|loadtests)\/[\w./-]+)/g;

interface WorkflowStep {
  run?: string;
  uses?: string;
}

/** The `run:` scripts of a workflow or local action, and of the reusable workflows and local actions it calls. */
export function stepScripts(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file) || !existsSync(file)) return [];
  seen.add(file);
  const doc = parse(readFileSync(file, 'utf8')) as { jobs?: Record<string, { uses?: string; steps?: WorkflowStep[] }>; runs?: { steps?: WorkflowStep[] } };
  const steps = doc.runs?.steps ?? Object.values(doc.jobs ?? {}).flatMap((job) => (job.uses ? [{ uses: job.uses }] : (job.steps ?? [])));
  const local = (uses: string) => {
    const target = path.join(root, uses);
    return existsSync(path.join(target, 'action.yml')) ? path.join(target, 'action.yml') : target;
  };
  return steps.flatMap((step) => [...(step.run ? [step.run] : []), ...(step.uses?.startsWith('./') ? stepScripts(local(step.uses), seen) : [])]);
}

/** Paths written in one project's code into another's that are not an edge, and why. */
const LINTED_AS_IF =
  "lint-rules.spec lints a snippet as if it were the project's file: ESLint reads the project's tags (its project.json, an input of ci's tests), none of its code";
const AFFECTED_BY =
  "plan-scope.spec asks nx what an edit to the project's file affects: the answer is the graph's (project.json, an input of ci's tests), not the file's";
const NOT_EDGES: Record<string, string> = {
  'ci -> fleet': LINTED_AS_IF,
  'ci -> k6': LINTED_AS_IF,
  'ci -> bench': LINTED_AS_IF,
  'bench -> stacks':
    "bench:synth times the synth the stacks' own target runs (stacks/src/main.ts); no test runs it, so there is nothing of bench a stacks edit could break",
  'bench-affected -> stacks':
    "bench:affected compares a project's root with 'stacks' to judge its row, and reads nothing of the stacks (it measures every project in a clone)",
  'ci -> cost': LINTED_AS_IF,
  'ci -> cost-model': LINTED_AS_IF,
  'ci -> loadgen': LINTED_AS_IF,
  'ci -> chat-ws': AFFECTED_BY,
  'ci -> web': AFFECTED_BY,
  'ci -> loadtests': "dockerfile.spec reads the fleet image's Dockerfile (every Dockerfile is an input of ci's tests), none of the scenarios",
  'ci -> repo-checks': "repo-checks-step.spec reads its project.json (an input of ci's tests) for its test's inputs, none of its code",
  'nx-plugin -> cost': "an executor names the script of the project whose target runs it (cost's own targets use it; no test runs it through the plugin)",
  'nx-plugin -> loadtests': "the runner names the Nx project whose Dockerfile builds a stack's image (for deploy.yml's matrix); it reads nothing of it",
  'nx-plugin -> loadgen': "the k6 and fleet executors name the scripts of the project whose targets run them (loadgen's; no test runs them through the plugin)",
  'rehearsal-deploy -> k6':
    "deploy.yml's loadgen-image job cross-builds k6 for the fleet's ARM image; the rehearsal runs the build, plan and apply jobs, not the image jobs (no container engine here)",
};

/** A project's own files: its root, less the roots of projects nested in it; comment lines dropped. */
function sourcesOf(graph: ProjectGraph, project: string): { file: string; text: string }[] {
  const own = graph.nodes[project]!.data.root;
  const nested = new Set(
    Object.values(graph.nodes)
      .map((n) => n.data.root)
      .filter((r) => r !== own && (own === '.' || r.startsWith(`${own}/`))),
  );
  const walk = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) return ['node_modules', 'dist', 'fixtures', '.git'].includes(e.name) || nested.has(rel) ? [] : walk(rel);
      return /\.(ts|mts|cts|mjs|cjs|js|sh)$/.test(e.name) ? [rel] : [];
    });
  // This file names other projects' files as data (DYNAMIC_PATHS), not to read them.
  return walk(own)
    .filter((file) => file !== path.relative(root, __filename))
    .map((file) => ({
      file,
      text: readFileSync(path.join(root, file), 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\*|\/\*|#)/.test(line))
        .join('\n'),
    }));
}

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Every edge code shows by path or by a hosted run that the graph lacks, named with the file that shows it. */
/** Projects whose tests read every project's files and take the whole tree as their input: no path of theirs is an edge. */
const READS_THE_TREE: Record<string, string> = {
  'repo-checks': "its tests' input is the hash of every file (tree-hash.mjs) and pr.yml runs them on every pull request",
};

export function hiddenEdges(graph: ProjectGraph, dynamicPaths = DYNAMIC_PATHS): string[] {
  const roots = Object.entries(graph.nodes).map(([name, node]) => ({ name, pattern: new RegExp(`['"\`]${escaped(node.data.root)}(/[^'"\`]*)?['"\`]`) }));
  const editors = EDITED_BY.map((e) => ({ ...e, deps: dependenciesOf(graph, e.testedBy) }));
  const editorOf = (file: string) => editors.find((e) => file.startsWith(e.dir));
  return Object.keys(graph.nodes)
    .filter((project) => !READS_THE_TREE[project])
    .sort()
    .flatMap((project) => {
      const deps = dependenciesOf(graph, project);
      const sources = sourcesOf(graph, project);
      const missing = new Map<string, string>();
      for (const { host, call, runs, what } of HOSTED_RUNS) {
        if (project === host || runs.includes(project)) continue;
        const caller = sources.find((s) => call.test(s.text));
        for (const target of caller ? runs : []) if (!deps.has(target)) missing.set(target, `${caller!.file} ${what}`);
      }
      if (sources.some((s) => REHEARSES.test(s.text))) {
        const workflows = new Set(sources.flatMap((s) => [...s.text.matchAll(WORKFLOW_FILE)].map((m) => m[1]!)));
        for (const workflow of [...workflows].sort())
          for (const script of stepScripts(path.join(root, '.github/workflows', workflow)))
            for (const [, file] of script.matchAll(STEP_PATH)) {
              const owner = projectOwning(graph, file!);
              if (owner && owner !== project && !deps.has(owner) && !missing.has(owner) && !NOT_EDGES[`${project} -> ${owner}`])
                missing.set(owner, `${workflow}, which it rehearses, runs ${file}`);
            }
      }
      // A host builds the paths of what it runs for its callers, whose edge that is.
      const dynamic = HOSTED_RUNS.some((h) => h.host === project) ? [] : sources.filter((s) => DYNAMIC_PATH.test(s.text));
      for (const source of dynamic) {
        const declared = dynamicPaths[source.file];
        if (!declared)
          missing.set(
            `(${source.file})`,
            `${source.file} builds a path into ${source.text.match(DYNAMIC_PATH)![0]}… at run time: say in DYNAMIC_PATHS which projects it reaches`,
          );
        for (const target of declared?.reaches ?? []) if (!deps.has(target)) missing.set(target, `${source.file} ${declared!.why}`);
      }
      for (const { name, pattern } of roots) {
        if (name === project || deps.has(name) || missing.has(name) || NOT_EDGES[`${project} -> ${name}`]) continue;
        if (HOSTED_RUNS.some((h) => h.host === project && h.runs.includes(name))) continue;
        const readers = sources.filter((s) => pattern.test(s.text));
        const reader = readers.find((s) => !editorOf(s.file));
        if (reader) missing.set(name, `${reader.file} names ${reader.text.match(pattern)![0]}`);
        for (const writer of reader ? [] : readers) {
          const { testedBy, deps: testerDeps } = editorOf(writer.file)!;
          if (!testerDeps.has(name))
            missing.set(name, `${writer.file} writes into ${writer.text.match(pattern)![0]}, and ${testedBy}, whose tests run it, does not depend on it`);
        }
      }
      return [...missing].map(([target, why]) => `${project} -> ${target}: ${why}`);
    });
}

describe('edges that only code shows', () => {
  const graph = readProjectGraph(root);

  it('are declared in the graph', () => {
    expect(hiddenEdges(graph)).toEqual([]);
  });

  it('are not looked for only where the tests take the whole tree as their input', () => {
    for (const project of Object.keys(READS_THE_TREE)) {
      const inputs = graph.nodes[project]!.data.targets?.['test']?.inputs;
      expect([project, inputs]).toEqual([project, expect.arrayContaining([{ runtime: 'node tools/repo-checks/tree-hash.mjs' }])]);
    }
  });

  it('are found where a project drops them: a path, a path built at run time, and a hosted run', () => {
    const dropped: ProjectGraph = { ...graph, dependencies: { ...graph.dependencies, 'chat-local': [], loadgen: [], 'role-calls-runtime': [] } };
    const found = hiddenEdges(dropped);
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^chat-local -> chat-ws: apps\/chat-local\/.* starts the local runtime$/)]));
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^loadgen -> loadtests: tools\/loadgen\/.* names 'loadtests\/src'$/)]));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^role-calls-runtime -> chat-ws: tools\/role-calls\/runtime\/runtime-roles.spec.ts reads each chat function's source/),
      ]),
    );
  });

  it("are found where a rehearsal does not depend on what its workflow's steps run", () => {
    const dropped: ProjectGraph = { ...graph, dependencies: { ...graph.dependencies, 'rehearsal-nightly': [], 'rehearsal-ci': [] } };
    expect(hiddenEdges(dropped)).toEqual(
      expect.arrayContaining([
        'rehearsal-nightly -> fleet-command: nightly-spike.yml, which it rehearses, runs tools/fleet-command/cli.ts',
        // Through the reusable workflow drift.yml calls (plan-env.yml).
        'rehearsal-ci -> secrets-scan: drift.yml, which it rehearses, runs tools/secrets-scan/scan.ts',
        'rehearsal-ci -> cost-model: pr.yml, which it rehearses, runs tools/cost-model/pr-diff.ts',
      ]),
    );
  });

  it("hold a generator's edits to the project that runs it, not to the plugin", () => {
    expect(hiddenEdges(graph).filter((edge) => edge.startsWith('nx-plugin -> chat-core'))).toEqual([]);
    const dropped: ProjectGraph = { ...graph, dependencies: { ...graph.dependencies, 'nx-plugin-e2e-route': [] } };
    expect(hiddenEdges(dropped)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^nx-plugin -> chat-core: tools\/nx-plugin\/src\/generators\/route\/generator.ts writes into 'libs\/chat-core\/src\/frames.ts', and nx-plugin-e2e-route, whose tests run it, does not depend on it$/,
        ),
      ]),
    );
  });

  it('name a path built at run time that does not say what it reaches', () => {
    expect(hiddenEdges(graph, {})).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^role-calls-runtime -> \(tools\/role-calls\/runtime\/runtime-roles.spec.ts\): .* builds a path into `apps\/\$\{… at run time/),
      ]),
    );
  });
});
