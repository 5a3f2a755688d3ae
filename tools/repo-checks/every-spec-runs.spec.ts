import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoFiles, repoRoot as root } from '@relay/ci';

/**
 * A spec file no project's Jest config picks up never runs, and nothing says so: splitting
 * tools/ into projects left tools/bench without a config, and its reconnect model's spec went
 * unrun. Every spec and e2e file in the repository must be among the tests the projects' configs
 * list (Jest's own --listTests over all of them).
 */
jest.setTimeout(120_000);

describe('every spec runs', () => {
  const files = repoFiles();
  const configs = files.filter((f) => path.basename(f) === 'jest.config.js');
  const specs = files.filter((f) => /\.(spec|e2e)\.ts$/.test(f) && !f.includes('__tmpl__'));

  it('finds the configs and the specs (so an empty comparison cannot pass)', () => {
    expect(configs.length).toBeGreaterThan(20);
    expect(specs).toContain(path.join('tools', 'repo-checks', 'every-spec-runs.spec.ts'));
  });

  it("is listed by some project's Jest config, each spec and e2e file", () => {
    const run = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--listTests', '--projects', ...configs], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const listed = new Set(
      run.stdout
        .split('\n')
        .filter(Boolean)
        .map((f) => path.relative(root, f)),
    );
    expect(specs.filter((f) => !listed.has(f))).toEqual([]);
  });
});
