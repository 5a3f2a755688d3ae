import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** The docs check (check-docs.mjs, an ES module, run as npm test runs it): the repository's docs pass; a fixture full of rot fails, naming each. */
jest.setTimeout(120_000);

const check = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(__dirname, 'check-docs.mjs'), ...args], { encoding: 'utf8', cwd: path.resolve(__dirname, '../..') });

describe('docs check', () => {
  it("passes on this repository's README, CONTRIBUTING and docs/", () => {
    const run = check();
    expect(run.stdout).toMatch(/: 0 problem\(s\)/);
    expect(run.status).toBe(0);
  });

  it('fails on a broken link, a missing anchor, an unknown project, target or script, naming each', () => {
    const run = check('--root', path.join(__dirname, 'fixtures/broken'));
    expect(run.status).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines.slice(0, -1)).toEqual([
      expect.stringMatching(/^README\.md:5: link to docs\/missing\.md: docs\/missing\.md does not exist$/),
      expect.stringMatching(/^README\.md:5: link to docs\/page\.md#nowhere: no heading #nowhere in docs\/page\.md$/),
      expect.stringMatching(/^README\.md:5: link to #not-here: no heading #not-here in README\.md$/),
      expect.stringMatching(/^README\.md:7: `npx nx run nosuchproject:build`: no project nosuchproject$/),
      expect.stringMatching(/^README\.md:7: `npx nx run stacks:nosuchtarget`: stacks has no target nosuchtarget$/),
      expect.stringMatching(/^README\.md:7: `npm run no-such-script`: package\.json has no script no-such-script$/),
    ]);
    expect(lines.at(-1)).toMatch(/6 problem\(s\)$/);
  });
});
