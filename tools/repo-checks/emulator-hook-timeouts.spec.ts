import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoFiles, repoRoot as root } from '@relay/ci';

/**
 * moto is a Python server in a child process: it starts in a second or two alone, and in more
 * than Jest's default 5 s when two CIs share two cores (fleet's history suite failed so, its
 * beforeAll timed out). A spec that starts one must give its hooks the time: jest.setTimeout, or
 * a timeout on the hook itself.
 */
describe('specs that start moto', () => {
  const starters = ['libs', 'tools', 'apps', 'stacks', 'loadtests']
    .flatMap((dir) => repoFiles(dir))
    .filter((f) => /\.(spec|e2e)\.ts$/.test(f) && f !== path.join('tools', 'repo-checks', 'emulator-hook-timeouts.spec.ts'))
    .map((f) => ({ file: f, text: readFileSync(path.join(root, f), 'utf8') }))
    .filter(({ text }) => text.includes('startMoto('));

  it('are found (so an empty list cannot pass)', () => {
    expect(starters.length).toBeGreaterThan(5);
  });

  it('give the hooks that start it more than Jest’s default 5 s', () => {
    const without = starters.filter(({ text }) => !/jest\.setTimeout\(|\n\s*\},\s*[\d_]+\s*\);/.test(text)).map(({ file }) => file);
    expect(without).toEqual([]);
  });
});
