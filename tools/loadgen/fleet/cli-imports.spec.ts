import { HEAVY_PACKAGES as HEAVY, packagesLoadedBy } from '@relay/emulators';

/**
 * What a process pays to import the fleet: the load generator's fleet command loads the local
 * stack only when a local run starts it (the command against an env is tools/fleet-command's).
 */
describe("the fleet's command and library", () => {
  jest.setTimeout(60_000);

  it('load neither the constructs nor the local runtime until a local run starts it', () => {
    expect(packagesLoadedBy(['-e', "require('@relay/fleet')"], HEAVY)).toEqual([]);
    expect(packagesLoadedBy(['tools/loadgen/fleet/cli.ts', '--target', 'local', '--profile', 'no-such-profile'], HEAVY)).toEqual([]);
  });
});
