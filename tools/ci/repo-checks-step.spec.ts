import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot as root } from './repo-files';

/**
 * The checks that read every project's code (tools/repo-checks) are in no edit's `nx affected`
 * list but their own: pr.yml runs them on every pull request, whatever it touches, and they hash
 * the whole tree as their input, so a cached pass never stands for a tree they did not read.
 */
interface Step {
  name?: string;
  run?: string;
  if?: string;
}

describe('the checks over the whole repository', () => {
  const pr = parse(readFileSync(path.join(root, '.github/workflows/pr.yml'), 'utf8')) as { jobs: Record<string, { if?: string; steps: Step[] }> };
  const project = JSON.parse(readFileSync(path.join(root, 'tools/repo-checks/project.json'), 'utf8')) as {
    targets: { test: { inputs: (string | Record<string, string>)[] } };
  };

  it("run in pr.yml's affected job on every pull request, unconditionally", () => {
    const job = pr.jobs['affected']!;
    const step = job.steps.find((s) => /\bnx run repo-checks:test\b/.test(s.run ?? ''));
    expect(step).toBeDefined();
    expect([job.if, step?.if]).toEqual([undefined, undefined]);
  });

  it('hash the whole tree, and take no file outside their project as an input (which would list them in every edit)', () => {
    const { inputs } = project.targets.test;
    expect(inputs).toContainEqual({ runtime: 'node tools/repo-checks/tree-hash.mjs' });
    const files = inputs.filter((i): i is string => typeof i === 'string' && i.startsWith('{workspaceRoot}/'));
    // The Jest preset and reporter every project's tests take: shared machinery (input-edges.spec).
    expect(files).toEqual(['{workspaceRoot}/jest.preset.js', '{workspaceRoot}/tools/ci/jest-json-report.cjs']);
  });
});
