import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * tree-hash.mjs, the input that re-runs these checks on any edit: it changes with a tracked
 * file's content, a new file and a deleted one, and not with an ignored one or with nothing.
 */
const script = path.join(__dirname, 'tree-hash.mjs');
const hashIn = (cwd: string) => execFileSync(process.execPath, [script], { cwd, encoding: 'utf8' }).trim();

describe('the tree hash', () => {
  const repo = mkdtempSync(path.join(tmpdir(), 'relay-tree-hash-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
  git('init', '-q');
  writeFileSync(path.join(repo, '.gitignore'), 'dist/\n');
  writeFileSync(path.join(repo, 'a.ts'), 'export const a = 1;\n');
  git('add', '.');
  git('-c', 'user.email=ci@relay.invalid', '-c', 'user.name=ci', 'commit', '-qm', 'first');

  it('changes with any file of the tree, and only with those', () => {
    const first = hashIn(repo);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(hashIn(repo)).toBe(first);
    writeFileSync(path.join(repo, 'dist-not-ignored.ts'), '');
    rmSync(path.join(repo, 'dist-not-ignored.ts'));
    expect(hashIn(repo)).toBe(first);

    execFileSync('mkdir', ['-p', path.join(repo, 'dist')]);
    writeFileSync(path.join(repo, 'dist', 'built.js'), 'ignored');
    expect(hashIn(repo)).toBe(first);

    writeFileSync(path.join(repo, 'a.ts'), 'export const a = 2;\n');
    const edited = hashIn(repo);
    expect(edited).not.toBe(first);
    writeFileSync(path.join(repo, 'b.ts'), '');
    const added = hashIn(repo);
    expect(new Set([first, edited, added]).size).toBe(3);
    rmSync(path.join(repo, 'a.ts'));
    expect(new Set([first, edited, added, hashIn(repo)]).size).toBe(4);
  });

  it('never repeats outside a git checkout, so nothing there is restored from cache', () => {
    const bare = mkdtempSync(path.join(tmpdir(), 'relay-tree-hash-none-'));
    const run = () =>
      spawnSync(process.execPath, [script], { cwd: bare, encoding: 'utf8', env: { ...process.env, GIT_CEILING_DIRECTORIES: path.dirname(bare) } });
    const [one, two] = [run(), run()];
    expect([one.status, one.stdout]).toEqual([0, expect.stringMatching(/^no git checkout: \d+\n$/)]);
    expect(two.stdout).not.toBe(one.stdout);
  });
});
