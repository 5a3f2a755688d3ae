/**
 * Docs that cannot rot silently: every relative link and anchor in README.md, CONTRIBUTING.md and
 * docs/ resolves, and every `npx nx run <project>:<target>` and `npm run <script>` they quote
 * names a target or script that exists.
 *   node tools/docs/check-docs.mjs [--root DIR]   (DIR: where the Markdown is; default the workspace)
 * Markdown is parsed with mdast (GFM), headings slugged as GitHub does (github-slugger); targets
 * come from the Nx project graph (inferred ones included), scripts from package.json.
 * Prints one line per problem and exits 1 if there is any.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { visit } from 'unist-util-visit';

const workspace = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const rootArg = args.indexOf('--root');
const root = path.resolve(rootArg >= 0 && args[rootArg + 1] ? args[rootArg + 1] : workspace);

function markdownFiles() {
  const files = ['README.md', 'CONTRIBUTING.md'].map((f) => path.join(root, f)).filter((f) => existsSync(f));
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.md')) files.push(full);
    }
  };
  walk(path.join(root, 'docs'));
  return files;
}

const trees = new Map();
function tree(file) {
  if (!trees.has(file)) trees.set(file, fromMarkdown(readFileSync(file, 'utf8'), { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }));
  return trees.get(file);
}

function textOf(node) {
  if (node.type === 'text' || node.type === 'inlineCode') return node.value;
  return (node.children ?? []).map(textOf).join('');
}

const anchorCache = new Map();
function anchors(file) {
  if (!anchorCache.has(file)) {
    const slugger = new GithubSlugger();
    const found = new Set();
    visit(tree(file), 'heading', (node) => void found.add(slugger.slug(textOf(node))));
    anchorCache.set(file, found);
  }
  return anchorCache.get(file);
}

/** Every target of every project, inferred ones included, from the Nx project graph. */
function nxTargets() {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-docs-graph-'));
  const file = path.join(dir, 'graph.json');
  execFileSync('npx', ['nx', 'graph', `--file=${file}`], { cwd: workspace, stdio: 'ignore', env: { ...process.env, NX_DAEMON: 'false' } });
  const graph = JSON.parse(readFileSync(file, 'utf8')).graph;
  const targets = new Map();
  for (const [name, node] of Object.entries(graph.nodes)) {
    const t = node.data.targets ?? {};
    targets.set(name, new Map(Object.entries(t).map(([target, config]) => [target, Object.keys(config.configurations ?? {})])));
  }
  return targets;
}

const problems = [];
let links = 0;
let commands = 0;
const files = markdownFiles();
const scripts = JSON.parse(readFileSync(path.join(workspace, 'package.json'), 'utf8')).scripts ?? {};
let targets;

for (const file of files) {
  const rel = path.relative(root, file);
  visit(tree(file), (node) => {
    if (node.type === 'link' || node.type === 'definition') {
      const url = node.url;
      if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return; // http:, https:, mailto:
      const line = node.position?.start.line ?? 0;
      links++;
      const [target, anchor] = url.split('#');
      const resolved = target ? path.resolve(path.dirname(file), decodeURIComponent(target)) : file;
      if (target && !existsSync(resolved)) return void problems.push(`${rel}:${line}: link to ${url}: ${path.relative(root, resolved)} does not exist`);
      if (anchor && resolved.endsWith('.md') && statSync(resolved).isFile() && !anchors(resolved).has(anchor)) {
        problems.push(`${rel}:${line}: link to ${url}: no heading #${anchor} in ${path.relative(root, resolved)}`);
      }
    }
    if (node.type === 'code' || node.type === 'inlineCode') {
      const line = node.position?.start.line ?? 0;
      for (const m of node.value.matchAll(/npx nx run ([\w.@/-]+):([\w-]+)(?::([\w-]+))?/g)) {
        targets ??= nxTargets();
        commands++;
        const [, project, target, configuration] = m;
        const known = targets.get(project)?.get(target);
        if (!known)
          problems.push(
            `${rel}:${line}: \`npx nx run ${project}:${target}\`: ${targets.has(project) ? `${project} has no target ${target}` : `no project ${project}`}`,
          );
        else if (configuration && !known.includes(configuration))
          problems.push(`${rel}:${line}: \`npx nx run ${project}:${target}:${configuration}\`: no configuration ${configuration}`);
      }
      for (const m of node.value.matchAll(/npm run (?:-s |--silent )?([\w:.-]+)/g)) {
        commands++;
        if (!(m[1] in scripts)) problems.push(`${rel}:${line}: \`npm run ${m[1]}\`: package.json has no script ${m[1]}`);
      }
    }
  });
}

for (const problem of problems) console.log(problem);
console.log(`${files.length} files, ${links} relative links, ${commands} commands checked: ${problems.length} problem(s)`);
process.exit(problems.length > 0 ? 1 : 0);
