import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { HEAVY_PACKAGES as HEAVY, packagesLoadedBy } from '@relay/emulators';

/**
 * What a process pays to import the fleet's command: the nightly workflow runs it once per profile
 * and once to put stag back, and it never starts the local stack.
 */
describe("the fleet's command against an env", () => {
  jest.setTimeout(60_000);

  it('loads neither the constructs nor the local runtime', () => {
    expect(packagesLoadedBy(['tools/fleet-command/cli.ts', '--target', 'stag', '--profile', 'no-such-profile'], HEAVY)).toEqual([]);
  });

  it('costs a local run that imports it for its users no AWS client and no orchestration', () => {
    const envOnly = ['@aws-sdk/client-ecs', '@aws-sdk/client-wafv2', '@datadog/sketches-js'];
    expect(packagesLoadedBy(['-e', "require('@relay/fleet-command').seedUsers"], envOnly)).toEqual([]);
    // What the check looks for is what a run against an env loads.
    expect(packagesLoadedBy(['tools/fleet-command/cli.ts', '--target', 'stag', '--profile', 'no-such-profile'], envOnly)).toEqual(envOnly);
  });

  const run = (...args: string[]) => {
    const { status, stderr } = spawnSync(process.execPath, ['--import', 'tsx', 'tools/fleet-command/cli.ts', ...args], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
    });
    return [status, stderr.trim()];
  };

  it('refuses the local target, and names the command that runs it', () => {
    expect(run('--target', 'local', '--profile', 'smoke-http')).toEqual([2, expect.stringContaining('npx nx run loadgen:fleet')]);
  });

  it('refuses a run without a profile, and names the profiles', () => {
    expect(run('--target', 'stag')).toEqual([2, expect.stringMatching(/--profile names the fleet profile to run: .*smoke-http/)]);
  });
});
