import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readProjectGraph } from './project-graph';

const root = path.resolve(__dirname, '..', '..');

/** Lints a snippet as if it were the given file, with the workspace's real ESLint config. */
function lint(code: string, filePath: string): { ruleId: string; message: string }[] {
  const result = spawnSync('npx', ['eslint', '--format', 'json', '--stdin', '--stdin-filename', filePath], {
    cwd: root,
    input: code,
    encoding: 'utf8',
  });
  const [report] = JSON.parse(result.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return report?.messages ?? [];
}

describe('workspace lint rules', () => {
  jest.setTimeout(30_000);

  it('forbids the @cdktf/provider-aws barrel and allows deep imports', () => {
    const barrel = lint("import { DynamodbTable } from '@cdktf/provider-aws';\nexport const t = DynamodbTable;\n", 'libs/infra-constructs/src/x.ts');
    expect(barrel).toEqual([expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining('~10x slower') })]);
    const deep = lint(
      "import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';\nexport const t = DynamodbTable;\n",
      'libs/infra-constructs/src/x.ts',
    );
    expect(deep).toEqual([]);
  });

  it('keeps platform libraries free of product code', () => {
    const messages = lint("import { signToken } from '@relay/chat-core';\nexport const f = signToken;\n", 'libs/infra-constructs/src/x.ts');
    expect(messages).toEqual([expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('scope:platform') })]);
  });

  it('keeps the tools that most tools import (the emulators, the k6 build) free of other tools', () => {
    const emulators = lint("import { ensureK6 } from '@relay/k6-process';\nexport const f = ensureK6;\n", 'tools/emulators/moto/x.ts');
    expect(emulators).toEqual([expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('tool:emulator') })]);
    const k6 = lint("import { cpuSecondsOf } from '@relay/emulators';\nexport const f = cpuSecondsOf;\n", 'tools/k6/x.ts');
    expect(k6).toEqual([expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('tool:k6') })]);
  });

  it('keeps the fleet and its commands off the operations, and the fleet on the quota checks it shares with them', () => {
    const operations = "import { runIfMain } from '@relay/operations';\nexport const f = runIfMain;\n";
    expect(lint(operations, 'tools/fleet/x.ts')).toEqual([
      expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('tool:fleet') }),
    ]);
    // Through the load generator, every plugin edit re-ran its tests.
    expect(lint(operations, 'tools/loadgen/x.ts')).toEqual([
      expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('tool:loadgen') }),
    ]);
    expect(lint("import { unmetQuotas } from '@relay/quotas';\nexport const f = unmetQuotas;\n", 'tools/fleet/x.ts')).toEqual([]);
  });

  it("keeps the cost model, which the pull request's diff runs, and the benchmarks off the fleet, and the cost and load generator's commands on it", () => {
    const fleet = "import { planFleet } from '@relay/fleet';\nexport const f = planFleet;\n";
    expect(lint(fleet, 'tools/cost-model/x.ts')).toEqual([
      expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('tool:cost-model') }),
    ]);
    expect(lint(fleet, 'tools/cost/x.ts')).toEqual([]);
    // The benchmarks import no fleet either: the load generator's benchmark is the load generator's.
    expect(lint(fleet, 'tools/bench/x.ts')).toEqual([
      expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('tool:bench') }),
    ]);
    expect(lint(fleet, 'tools/loadgen/capacity/x.ts')).toEqual([]);
    expect(lint("import { costReport } from '@relay/cost-model';\nexport const f = costReport;\n", 'tools/cost/x.ts')).toEqual([]);
  });
});

interface LintConfig {
  languageOptions?: { parserOptions?: Record<string, unknown> };
  rules?: Record<string, unknown[]>;
}

/** ESLint's computed config for each file, in a child: Jest's VM cannot import the .mjs config. */
function configsFor(files: string[]): Record<string, LintConfig> {
  const script = `const { ESLint } = require('eslint');
    const eslint = new ESLint({ cwd: process.cwd() });
    const files = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    Promise.all(files.map((f) => eslint.calculateConfigForFile(f))).then((c) => console.log(JSON.stringify(Object.fromEntries(files.map((f, i) => [f, c[i]])))));`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: root, input: JSON.stringify(files), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`eslint's config: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, LintConfig>;
}

describe("lint's inputs", () => {
  jest.setTimeout(60_000);

  it("take from a dependency only its project configuration, because no lint rule reads a dependency's code", () => {
    // The one rule that looks past the linted file is the module boundaries', and what it reads of
    // an imported project is its tags (project.json). A rule that read a dependency's code (a
    // type-aware rule, or the boundaries' transitive options) would need `^production` back: before,
    // every dependency edit re-ran the lint of everything above it.
    const graph = readProjectGraph(root);
    const configs = configsFor(Object.values(graph.nodes).map(({ data }) => path.join(data.root, 'linted.ts')));
    const transitive = ['notDependOnLibsWithTags', 'banTransitiveDependencies', 'checkNestedExternalImports'];
    const readsDependencies: string[] = [];
    for (const [name, { data }] of Object.entries(graph.nodes)) {
      const config = configs[path.join(data.root, 'linted.ts')]!;
      const parser = config.languageOptions?.parserOptions ?? {};
      if (parser['project'] || parser['projectService']) readsDependencies.push(`${name}: type-aware rules`);
      const [, boundaries = {}] = config.rules?.['@nx/enforce-module-boundaries'] ?? [];
      const options = JSON.stringify(boundaries);
      for (const option of transitive) if (options.includes(`"${option}"`)) readsDependencies.push(`${name}: ${option}`);
      const lint = data.targets?.['lint'];
      if (!lint) continue;
      const fromDependencies = (lint.inputs ?? []).filter((i) => typeof i === 'string' && i.startsWith('^'));
      expect([name, fromDependencies]).toEqual([name, ['^projectConfig']]);
    }
    expect(readsDependencies).toEqual([]);
    const nxJson = JSON.parse(readFileSync(path.join(root, 'nx.json'), 'utf8')) as { namedInputs: Record<string, string[]> };
    expect(nxJson.namedInputs['projectConfig']).toContain('{projectRoot}/project.json');
  });
});
