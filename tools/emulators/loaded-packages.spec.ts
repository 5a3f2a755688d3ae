import { HEAVY_PACKAGES as HEAVY, packagesLoadedBy } from './loaded-packages';

describe('what importing the emulators costs a process', () => {
  jest.setTimeout(60_000);

  it('loads neither the constructs nor the local runtime: only synthesizing loads cdktf, only a started dynalite loads dynalite', () => {
    expect(packagesLoadedBy(['-e', "require('@relay/emulators')"], HEAVY)).toEqual([]);
  });

  it('sees a package that is loaded', () => {
    expect(packagesLoadedBy(['-e', "require('@relay/dynamo-emulator').startDynalite().then((d) => d.close())"], HEAVY)).toEqual(['dynalite']);
  });
});
