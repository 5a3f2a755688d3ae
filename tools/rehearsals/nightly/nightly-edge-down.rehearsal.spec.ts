import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadgenLaunchParameter } from '@relay/platform-config';
import { seedLoadgenInMoto, seedLoadTestTargetInMoto } from '@relay/fleet';
import { ArtifactStore, type Fixture, WorkflowRehearsal } from '@relay/rehearsal';
import { edgeLeft, stag, startNightly } from '@relay/rehearsal-nightly-account';

/**
 * nightly-spike.yml's nights that end with the edge taken down and no load run: one whose fleet
 * cannot launch, and the runbook's `profile none`. Stag's account is moto with its loadgen stack
 * applied; nothing serves the chat, because nothing here may reach it: the orchestrator reads all
 * it needs (the fleet's launch parameter among it) before it wakes or admits anything.
 */
jest.setTimeout(600_000);

let fixture: Fixture;

beforeAll(async () => {
  ({ fixture } = await startNightly({ wsUrl: 'wss://127.0.0.1:9/live', secret: 'unused', edgeUrl: 'http://127.0.0.1:9' }));
  seedLoadgenInMoto(fixture.aws, { ...stag, loadgen: stag.loadgen! });
});

afterAll(async () => fixture?.stop());

describe('nightly-spike.yml, rehearsed for the nights that only take the edge down', () => {
  it('takes the edge down even when the runs fail, and the night fails', () => {
    // Tonight the fleet cannot launch: its launch parameter is gone.
    fixture.aws('ssm', 'delete-parameter', '--name', loadgenLaunchParameter(stag));
    const before = fixture.terraform().length;
    // Another run of the workflow: its artifacts are its own.
    const log: string[] = [];
    const nightly = new WorkflowRehearsal({
      ...fixture.options,
      log: (line) => log.push(line),
      artifacts: new ArtifactStore(mkdtempSync(path.join(tmpdir(), 'relay-rehearsal-artifacts-'))),
    });
    expect(() => nightly.run('nightly-spike.yml', undefined, { profile: 'smoke' })).toThrow(/Fleet runs/);
    // Each profile found there was no fleet before it woke or admitted anything in stag.
    const spike = log.join('\n');
    expect(spike.match(/no fleet in stag: reading \/relay\/stag\/loadgen\/launch failed/g)).toHaveLength(2);
    expect(spike).not.toMatch(/^woke /m);
    expect(nightly.jobs.map((j) => j.job)).toEqual(['nightly-spike.yml#edge-up', 'nightly-spike.yml#spike', 'nightly-spike.yml#edge-down']);
    expect(
      fixture
        .terraform()
        .slice(before)
        .map((c) => `${path.basename(c.cwd)}:${c.args[0]}`)
        .slice(-2),
    ).toEqual(['edge-stag:init', 'edge-stag:destroy']);
    expect(edgeLeft(fixture)).toEqual({ loadBalancers: [], scalableTargets: [], url: false });
  });

  it("with profile none only takes the edge down (the runbook's way to end an edge left up)", () => {
    seedLoadTestTargetInMoto(fixture.aws, stag);
    const before = fixture.terraform().length;
    const nightly = new WorkflowRehearsal({ ...fixture.options, artifacts: new ArtifactStore(mkdtempSync(path.join(tmpdir(), 'relay-rehearsal-artifacts-'))) });
    nightly.run('nightly-spike.yml', undefined, { profile: 'none' });
    expect(nightly.jobs.map((j) => j.job)).toEqual(['nightly-spike.yml#edge-down']);
    expect(
      fixture
        .terraform()
        .slice(before)
        .map((c) => `${path.basename(c.cwd)}:${c.args[0]}`),
    ).toEqual(['edge-stag:init', 'edge-stag:destroy']);
    expect(edgeLeft(fixture)).toEqual({ loadBalancers: [], scalableTargets: [], url: false });
  });
});
