import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { parse } from 'yaml';
import { readProjectGraph } from './project-graph';

/**
 * A job that builds projects with `nx run-many -t build` and uploads artifacts uploads exactly
 * what those builds declare as outputs. Where the two part (a project's output moved, an upload
 * path edited), the later jobs download nothing, and only a rehearsal of the whole workflow would
 * notice. This check is that rehearsal's cheap half: with it, an edit to a built project need not
 * re-run the deploy rehearsal (the project's own build proves the rest). It reads the workflows
 * and where the builds write, which only configuration says (project.json, nx.json: ci's test
 * inputs), so `nx affected` runs it on an edit to either, and not on every edit to the sources.
 */
jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../..');
const workflows = path.join(root, '.github/workflows');

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  jobs: Record<string, { steps?: Step[] }>;
}
/** A project's build outputs, relative to the workspace root. */
type OutputsOf = (project: string) => string[];

const BUILD = /\bnx run-many\b[^\n]*?-t(?:arget)?[ =]build\b[^\n]*?--projects[ =]([\w,-]+)/g;

export function builtProjects(step: Step): string[] {
  return [...(step.run ?? '').matchAll(BUILD)].flatMap((m) => m[1]!.split(','));
}

function uploadPaths(step: Step): string[] {
  if (!step.uses?.startsWith('actions/upload-artifact@')) return [];
  return String(step.with?.['path'] ?? '')
    .split('\n')
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith('!'));
}

/** Whether an upload path takes in what is under `output`: the same path, one inside it, or a glob reaching into it. */
function reaches(upload: string, output: string): boolean {
  if (upload === output || upload.startsWith(`${output}/`)) return true;
  const { base, isGlob } = picomatch.scan(upload);
  return isGlob && (output === base || output.startsWith(`${base}/`));
}

/** Where a job's uploads and its builds' outputs part: each problem names its workflow, job and path. */
export function partedArtifacts(file: string, doc: Workflow, outputsOf: OutputsOf): string[] {
  return Object.entries(doc.jobs).flatMap(([job, { steps = [] }]) => {
    const built = steps.flatMap(builtProjects);
    const uploads = steps.flatMap(uploadPaths);
    // A job may build only for its own synth (a preview's destroy, the sweep): it hands nothing on.
    if (built.length === 0 || uploads.length === 0) return [];
    const outputs = built.map((p) => [p, outputsOf(p)] as const);
    return [
      ...uploads
        .filter((u) => !outputs.some(([, os]) => os.some((o) => reaches(u, o))))
        .map((u) => `${file}#${job} uploads ${u}, which none of ${built.join(', ')} builds`),
      ...outputs
        .filter(([, os]) => !os.some((o) => uploads.some((u) => reaches(u, o))))
        .map(([p, os]) => `${file}#${job} builds ${p} into ${os.join(', ') || 'no declared output'}, which it does not upload`),
    ];
  });
}

/** Every project's build outputs from the project graph as Nx computes it (inferred targets included). */
function graphOutputs(): OutputsOf {
  const { nodes } = readProjectGraph(root);
  return (project) => {
    const node = nodes[project];
    if (!node) throw new Error(`a workflow builds ${project}, which is not a project`);
    return (node.data.targets?.['build']?.outputs ?? []).map((o) => o.replace('{workspaceRoot}/', '').replace('{projectRoot}', node.data.root));
  };
}

describe('what the workflows build is what they upload', () => {
  const docs = readdirSync(workflows)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => [f, parse(readFileSync(path.join(workflows, f), 'utf8')) as Workflow] as const);
  const built = [...new Set(docs.flatMap(([, d]) => Object.values(d.jobs).flatMap((j) => (j.steps ?? []).flatMap(builtProjects))))].sort();

  it('finds the builds (deploy.yml builds the Lambdas and the web client)', () => {
    expect(built).toEqual(expect.arrayContaining(['chat-ws', 'chat-deliver', 'web']));
  });

  it('uploads, in every job that builds, exactly what its builds declare as outputs', () => {
    const outputsOf = graphOutputs();
    expect(docs.flatMap(([file, doc]) => partedArtifacts(file, doc, outputsOf))).toEqual([]);
  });

  it('names a moved output and an upload of what nothing built, each once', () => {
    const doc: Workflow = {
      jobs: {
        build: {
          steps: [
            { run: 'npx nx run-many -t build --projects=web,chat-ws' },
            { uses: 'actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02', with: { name: 'web', path: 'dist/apps/web' } },
            { uses: 'actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02', with: { name: 'zips', path: 'dist/apps/**/*.zip\n!dist/apps/web/**' } },
          ],
        },
      },
    };
    const moved: OutputsOf = (p) => (p === 'web' ? ['dist/web'] : [`dist/apps/${p}`]);
    expect(partedArtifacts('deploy.yml', doc, moved)).toEqual([
      'deploy.yml#build uploads dist/apps/web, which none of web, chat-ws builds',
      'deploy.yml#build builds web into dist/web, which it does not upload',
    ]);
    expect(partedArtifacts('deploy.yml', doc, (p) => [`dist/apps/${p}`])).toEqual([]);
  });

  it("knows a build's outputs from configuration alone, whose every edit runs it (ci's test inputs)", () => {
    const { nodes } = readProjectGraph(root);
    const ci = JSON.parse(readFileSync(path.join(__dirname, 'project.json'), 'utf8')) as { targets: { test: { inputs: unknown[] } } };
    const inputs = ci.targets.test.inputs.filter((i): i is string => typeof i === 'string' && i.startsWith('{workspaceRoot}/'));
    const isInput = (file: string) => inputs.some((i) => picomatch(i.replace('{workspaceRoot}/', ''), { dot: true })(file));
    const defaults = (JSON.parse(readFileSync(path.join(root, 'nx.json'), 'utf8')) as { targetDefaults: { build?: { outputs?: string[] } } }).targetDefaults;
    expect(isInput('nx.json')).toBe(true);
    for (const project of built) {
      const dir = nodes[project]!.data.root;
      const own = JSON.parse(readFileSync(path.join(root, dir, 'project.json'), 'utf8')) as { targets?: { build?: { outputs?: string[] } } };
      // What Nx computes is what the two files declare: no plugin infers it from the sources.
      expect([project, nodes[project]!.data.targets?.['build']?.outputs]).toEqual([project, own.targets?.build?.outputs ?? defaults.build?.outputs]);
      expect([project, isInput(path.join(dir, 'project.json'))]).toEqual([project, true]);
    }
  });
});
