import { resolveEnvironment, stateLocation } from '@relay/platform-config';
import { SHA, startFixture, type Fixture, WorkflowRehearsal } from '@relay/rehearsal';

/**
 * The read-only workflows, rehearsed for dev's account (moto emulates one account: the stag and
 * prod legs of their matrices are listed as not rehearsed):
 * - drift.yml: the build, then plan-env.yml with -detailed-exitcode and the read-only role,
 *   reporting no drift and uploading no plan;
 * - pr.yml's cost job: the base checked out beside the head, both synthesized and priced, the diff;
 * - pr.yml's plan job: the PR plan role, validate, then a plan without refresh or lock against
 *   the recorded state, scanned for secrets. Its affected job is `npm test`'s own subset (lint,
 *   test, build and synth of what changed), which the suite runs in full: not rehearsed.
 */
jest.setTimeout(600_000);

const dev = resolveEnvironment('dev');
let fixture: Fixture;

beforeAll(async () => {
  fixture = await startFixture({ name: 'schedule', ref: 'refs/heads/main', sha: SHA, payload: {} });
  fixture.options.matrix = { env: ['dev'] };
  fixture.aws('ssm', 'put-parameter', '--name', '/relay/dev/broadcast/image-digest', '--type', 'String', '--value', `sha256:${'0'.repeat(64)}`);
  fixture.aws('s3api', 'create-bucket', '--bucket', stateLocation(dev, 'chat').bucket, '--create-bucket-configuration', 'LocationConstraint=ap-northeast-2');
});
afterAll(async () => fixture?.stop());

describe('read-only workflows, rehearsed', () => {
  it('drift.yml plans dev with the read-only role and -detailed-exitcode, and uploads no plan', () => {
    const drift = new WorkflowRehearsal(fixture.options);
    drift.run('drift.yml');
    const plan = drift.jobs.find((j) => j.job.endsWith('plan-env.yml#plan'));
    expect(plan).toMatchObject({ roles: [dev.planRoleArn] });
    expect(plan?.environment).toBeUndefined();
    const plans = fixture.terraform().filter((c) => c.args[0] === 'plan');
    expect(plans.length).toBe(3);
    expect(plans.every((c) => c.args.includes('-detailed-exitcode'))).toBe(true);
    expect(drift.steps.filter((s) => s.outcome === 'ran' && s.note?.startsWith('plan-'))).toEqual([]);
    expect(drift.notRehearsed().map((s) => s.step)).toEqual(['(matrix {"env":"stag"})', '(matrix {"env":"prod"})']);
  });

  it("pr.yml's plan job plans dev with the PR plan role, without refresh or lock; its cost job diffs base and head", () => {
    const before = fixture.terraform().length;
    const log: string[] = [];
    const pr = new WorkflowRehearsal({
      ...fixture.options,
      log: (line) => log.push(line),
      event: {
        name: 'pull_request',
        ref: 'refs/pull/7/merge',
        sha: SHA,
        payload: { action: 'synchronize', pull_request: { number: 7, base: { sha: 'b'.repeat(40) } } },
      },
      notRehearsedJobs: { affected: { why: "npm test's own affected subset, which the suite runs in full", outputs: { stacks: 'true' } } },
    });
    // Its lambda-zips artifact is the one drift's build uploaded above (the affected job's is not rehearsed).
    pr.run('pr.yml');
    expect(pr.jobs.find((j) => j.job === 'pr.yml#plan')).toMatchObject({ roles: [dev.prPlanRoleArn] });
    const calls = fixture.terraform().slice(before);
    expect(calls.filter((c) => c.args[0] === 'validate').length).toBe(3);
    const plans = calls.filter((c) => c.args[0] === 'plan');
    expect(plans.length).toBe(3);
    expect(plans.every((c) => c.args.includes('-refresh=false') && c.args.includes('-lock=false'))).toBe(true);
    // The base checkout is the one revision rehearsed, so the diff is empty and every env is priced.
    const cost = pr.steps.filter((s) => s.job === 'pr.yml#cost');
    expect(cost.some((s) => s.note?.startsWith('a copy of the repository in .base'))).toBe(true);
    expect(cost.find((s) => s.step.startsWith('Fixed monthly cost'))?.outcome).toBe('ran');
    const summary = log.join('\n');
    expect(summary).toContain("No change to any environment's fixed monthly cost.");
    expect(summary).toMatch(/\| dev \| \$\d+\.\d\d \| \$\d+\.\d\d \|/);
  });
});
