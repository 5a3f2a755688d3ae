import { HEAVY_PACKAGES as HEAVY, packagesLoadedBy } from '@relay/emulators';

/**
 * What a process pays to import the fleet: the nightly workflow runs the fleet's command once per
 * profile and once to put stag back, and only `--target local` starts the local stack.
 */
describe("the fleet's command and library", () => {
  jest.setTimeout(60_000);

  it('load neither the constructs nor the local runtime until a local run starts it', () => {
    expect(packagesLoadedBy(['-e', "require('@relay/fleet')"], HEAVY)).toEqual([]);
    expect(packagesLoadedBy(['tools/loadgen/fleet/cli.ts', '--target', 'local', '--profile', 'no-such-profile'], HEAVY)).toEqual([]);
  });
});
