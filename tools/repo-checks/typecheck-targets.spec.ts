import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { readProjectGraph, repoRoot as root, type ProjectGraph } from '@relay/ci';

/**
 * Every project's `typecheck` checks each of its tsconfigs incrementally, into a build info of
 * its own under the ignored tmp/, and writes that tsconfig's declarations under
 * tmp/declarations/<its root>: the inferred target does (typecheckCommand, tools/nx-plugin), and
 * so must a project that writes its own command. Two checks sharing one build info would each
 * throw away the other's; a build info in a tracked folder would be committed.
 *
 * A dependent's check hashes its dependencies' declarations, not their sources (nx.json's
 * `dependencyDeclarations`), so an edit that changes no declaration re-runs no dependent's check.
 * That is only as sound as the dependency's own check: the dependent's program compiles the
 * dependency's sources too (tsconfig.base.json maps each library to its sources), under the
 * dependent's options. Where those options allow less (a lib or a global the dependency has and
 * the dependent lacks, another module system), a body edit can pass its own check and break the
 * dependent's, with no declaration changed. Such a dependent must hash its dependencies' sources
 * (`^production`), and one whose dependencies all compile as it does must not.
 */
jest.setTimeout(120_000);

const CHECK =
  /^tsc -p (\S+) --incremental --tsBuildInfoFile (tmp\/typecheck\/\S+\.tsbuildinfo) --declaration --emitDeclarationOnly --outDir (tmp\/declarations\/\S+)$/;

type Target = { options?: { command?: string }; inputs?: unknown[]; dependsOn?: unknown[]; outputs?: string[] };
const typecheckOf = (graph: ProjectGraph, name: string) => graph.nodes[name]?.data.targets?.['typecheck'] as Target | undefined;

/** The tsconfigs a project's typecheck checks. */
function tsconfigsOf(graph: ProjectGraph, name: string): string[] {
  const command = typecheckOf(graph, name)?.options?.command ?? '';
  return command
    .split('&&')
    .map((part) => CHECK.exec(part.trim())?.[1])
    .filter((t): t is string => t !== undefined);
}

/**
 * One tsconfig's check: its project, what it compiles with (extends resolved), its files, and the
 * workspace files they import, by a path alias or by a relative path that leaves those files.
 */
export interface Check {
  project: string;
  options: ts.CompilerOptions;
  files: ReadonlySet<string>;
  imports: ReadonlySet<string>;
}

const NOT_MEANING = new Set([
  'configFilePath',
  'noEmit',
  'outDir',
  'declaration',
  'emitDeclarationOnly',
  'incremental',
  'tsBuildInfoFile',
  'sourceMap',
  'pathsBasePath',
]);

/** Every tsconfig the projects' typechecks check, read from the tree: the emit options the command passes are not the program's meaning. */
function readChecks(graph: ProjectGraph): Map<string, Check> {
  const aliases = new Map(
    Object.entries(compilerOptions('tsconfig.base.json').paths ?? {}).map(([alias, [file]]) => [alias, path.relative(root, path.resolve(root, file ?? ''))]),
  );
  const checks = new Map<string, Check>();
  for (const project of Object.keys(graph.nodes)) {
    for (const tsconfig of tsconfigsOf(graph, project)) {
      const parsed = parse(tsconfig);
      const files = new Set(parsed.fileNames.map((f) => path.relative(root, f)));
      const imports = new Set<string>();
      for (const file of files) {
        const text = readFileSync(path.join(root, file), 'utf8');
        for (const [, alias] of text.matchAll(/['"](@relay\/[\w-]+)['"]/g)) {
          const target = aliases.get(alias ?? '');
          if (target) imports.add(target);
        }
        // A relative import is followed too: one that leaves the project compiles another's file.
        for (const [, relative] of text.matchAll(/(?:from |import\(|require\()['"](\.\.?\/[^'"]+)['"]/g)) {
          const base = path.join(path.dirname(file), relative ?? '');
          const target = [base, `${base}.ts`, path.join(base, 'index.ts')].find((f) => f.endsWith('.ts') && existsSync(path.join(root, f)));
          if (target && !files.has(target)) imports.add(target);
        }
      }
      checks.set(tsconfig, { project, options: parsed.options, files, imports });
    }
  }
  return checks;
}

function parse(tsconfig: string): ts.ParsedCommandLine {
  const file = path.join(root, tsconfig);
  const read = ts.readConfigFile(file, (f) => ts.sys.readFile(f));
  if (read.error) throw new Error(`${tsconfig}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  return ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(file));
}
const compilerOptions = (tsconfig: string) => parse(tsconfig).options;

/**
 * Why a dependency's sources may check differently under the dependent's options than under
 * its own, or nothing: the dependent may add libs and global types; every other option that
 * bears on the program must be the same.
 */
export function stricterUnder(dependent: ts.CompilerOptions, dependency: ts.CompilerOptions): string[] {
  const reasons: string[] = [];
  for (const key of ['lib', 'types'] as const) {
    const missing = (dependency[key] ?? []).filter((x) => !(dependent[key] ?? []).includes(x));
    if (missing.length > 0) reasons.push(`${key} lacks ${missing.map((m) => path.basename(m)).join(', ')}`);
  }
  const keys = new Set([...Object.keys(dependent), ...Object.keys(dependency)].filter((k) => !NOT_MEANING.has(k) && k !== 'lib' && k !== 'types'));
  for (const key of keys) {
    if (JSON.stringify(dependent[key]) !== JSON.stringify(dependency[key])) reasons.push(`${key} ${String(dependent[key])} != ${String(dependency[key])}`);
  }
  return reasons;
}

/**
 * The projects whose check must hash their dependencies' sources, and why: a file their program
 * compiles (imported, or imported by what they import) that no check of its own project
 * compiles with as much as theirs does.
 */
export function needingSources(checks: ReadonlyMap<string, Check>): Map<string, string> {
  const needing = new Map<string, string>();
  for (const [tsconfig, mine] of checks) {
    const seen = new Set<string>();
    const queue = [...mine.imports];
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      if (seen.has(file)) continue;
      seen.add(file);
      const owners = [...checks].filter(([, c]) => c.files.has(file));
      const others = owners.filter(([, c]) => c.project !== mine.project).map(([theirs, c]) => ({ theirs, reasons: stricterUnder(mine.options, c.options) }));
      if (others.length > 0 && others.every((o) => o.reasons.length > 0) && !needing.has(mine.project)) {
        needing.set(mine.project, `${file} under ${tsconfig}, checked by ${others.map((o) => `${o.theirs}: ${o.reasons.join('; ')}`).join(' | ')}`);
      }
      for (const [, c] of owners) queue.push(...c.imports);
    }
  }
  return needing;
}

const NAMED_INPUTS = (JSON.parse(readFileSync(path.join(root, 'nx.json'), 'utf8')) as { namedInputs: Record<string, unknown[]> }).namedInputs;

/** A target's inputs with nx.json's named inputs spelled out. */
function expandInputs(inputs: readonly unknown[]): unknown[] {
  return inputs.flatMap((i) => (typeof i === 'string' && NAMED_INPUTS[i] ? expandInputs(NAMED_INPUTS[i]) : [i]));
}
const readsSources = (target: Target | undefined) => expandInputs(target?.inputs ?? []).some((i) => i === '^production' || i === '^default');
const readsDeclarations = (target: Target | undefined) =>
  expandInputs(target?.inputs ?? []).some((i) => JSON.stringify(i) === JSON.stringify({ dependentTasksOutputFiles: '**/*.d.ts', transitive: true }));

describe('typecheck targets', () => {
  let graph: ProjectGraph;
  beforeAll(() => (graph = readProjectGraph(root)));

  it('check every tracked tsconfig of a project incrementally, each into a build info and declarations of its own', () => {
    const buildInfoOf = new Map<string, string>();
    const checked = new Set<string>();
    const wrong: string[] = [];
    for (const [name, node] of Object.entries(graph.nodes)) {
      const target = typecheckOf(graph, name);
      if (!target?.options?.command) continue;
      expect([name, target.outputs]).toEqual([name, ['{workspaceRoot}/tmp/declarations/{projectRoot}']]);
      expect([name, target.dependsOn]).toEqual([name, ['^typecheck']]);
      for (const part of target.options.command.split('&&').map((c) => c.trim())) {
        const [, tsconfig, buildInfo, declarations] = CHECK.exec(part) ?? [];
        if (!tsconfig || !buildInfo || !declarations) {
          wrong.push(`${name}: "${part}" is not an incremental check into tmp/typecheck/ writing declarations into tmp/declarations/`);
          continue;
        }
        if (declarations !== `tmp/declarations/${tsconfig.replace(/\.json$/, '')}` || !declarations.startsWith(`tmp/declarations/${node.data.root}/`)) {
          wrong.push(`${name}: ${tsconfig} writes its declarations to ${declarations}, not beside its path under tmp/declarations/${node.data.root}/`);
        }
        const other = buildInfoOf.get(buildInfo);
        if (other && other !== tsconfig) wrong.push(`${name}: ${tsconfig} shares ${buildInfo} with ${other}`);
        buildInfoOf.set(buildInfo, tsconfig);
        checked.add(tsconfig);
      }
    }
    expect(wrong).toEqual([]);
    // No project's declarations lie in another's: one root is never inside another.
    const roots = Object.values(graph.nodes).map((n) => n.data.root);
    expect(roots.filter((r) => r !== '.' && roots.some((o) => o !== r && o !== '.' && r.startsWith(`${o}/`)))).toEqual([]);
    // Every tsconfig.json in a project folder is some project's check (the root's is the base).
    const tracked = execFileSync('git', ['ls-files', '*tsconfig.json'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && f.includes('/') && !f.includes('/files/') && roots.some((r) => f.startsWith(`${r}/`)));
    expect(tracked.length).toBeGreaterThan(30);
    expect(tracked.filter((f) => !checked.has(f))).toEqual([]);
  });

  it("hash their dependencies' sources exactly where a dependency compiles with less than they do", () => {
    const needing = needingSources(readChecks(graph));
    const wrong: string[] = [];
    for (const name of Object.keys(graph.nodes)) {
      const target = typecheckOf(graph, name);
      if (!target) continue;
      const why = needing.get(name);
      if (why && !readsSources(target))
        wrong.push(`${name} must hash its dependencies' sources (its typecheck's inputs: default, ^production, typecheckTools): ${why}`);
      if (!why && readsSources(target)) wrong.push(`${name} hashes its dependencies' sources, though each compiles as it does: hash their declarations`);
      if (!why && !readsDeclarations(target)) wrong.push(`${name} hashes neither its dependencies' sources nor their declarations`);
    }
    expect(wrong).toEqual([]);
    // The rule bites here: the web client's library compiles for the DOM, which Node's checks lack.
    expect(needing.has('web') && needing.has('chat-local')).toBe(true);
  });

  it('name a dependent whose options are narrower than a dependency whose code it compiles', () => {
    // Made-up checks: a Node tool importing a browser library (which imports a Node one), and a browser app importing the Node one.
    const node = { types: ['node'], lib: ['lib.es2023.d.ts'] };
    const check = (project: string, options: ts.CompilerOptions, imports: string[]): [string, Check] => [
      `${project}/tsconfig.json`,
      { project, options, files: new Set([`${project}/index.ts`]), imports: new Set(imports) },
    ];
    const checks = new Map([
      check('tool', { ...node, types: ['node', 'jest'] }, ['browser-lib/index.ts']),
      check('browser-lib', { ...node, lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'] }, ['node-lib/index.ts']),
      check('node-lib', node, []),
      check('app', { types: [], lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'] }, ['node-lib/index.ts']),
      check('jest-tool', { ...node, types: ['node', 'jest'] }, ['node-lib/index.ts']),
    ]);
    const needing = needingSources(checks);
    expect([...needing.keys()].sort()).toEqual(['app', 'tool']);
    expect(needing.get('tool')).toMatch(/^browser-lib\/index\.ts under tool\/tsconfig\.json, .*lib lacks lib\.dom\.d\.ts/);
    expect(needing.get('app')).toMatch(/types lacks node/);
  });
});
