import { resolveEnvironment } from '@relay/platform-config';
import { serviceQuotas, type Quotas } from '@relay/quotas';
import path from 'node:path';
import { ensureK6, workspaceRoot } from '@relay/k6-process';
import { chatRamp, FLEET_PROFILES, planFleet, TASK_SIZE } from './plan';
import { k6RunSeconds } from './k6-run-length';
import { preflight } from './preflight';

/** AWS's defaults for an account nobody has asked anything of. */
const DEFAULTS: Quotas = {
  lambda: { 'Concurrent executions': 1000 },
  fargate: { 'Fargate On-Demand vCPU resource count': 6, 'Fargate Spot vCPU resource count': 6 },
  apigateway: { 'Throttle rate': 10_000, 'New connections per second': 500 },
};

describe('the fleet preflight', () => {
  const stag = resolveEnvironment('stag');

  it('refuses seed-http at default quotas, naming the quota, its value and the value the run needs', async () => {
    const sq = serviceQuotas({}, DEFAULTS);
    try {
      const { plan, problems } = await preflight(FLEET_PROFILES['seed-http']!, stag, await sq.client());
      expect(plan.tasks).toBeGreaterThan(1);
      expect(problems).toEqual([
        expect.stringMatching(
          new RegExp(
            `^fargate quota "Fargate On-Demand vCPU resource count" is 6 in account ${stag.accountId} .*this run needs \\d+ for ${plan.tasks} generator tasks`,
          ),
        ),
        // The broadcast service pre-scaled to prod's 20 vCPU, on stag's Spot.
        expect.stringMatching(/^fargate quota "Fargate Spot vCPU resource count" is 6 .*this run needs 20 for the broadcast service at prod's 20 vCPU \(Spot/),
      ]);
    } finally {
      await sq.stop();
    }
  });

  it('lets a run through when the account has what it needs', async () => {
    const plan = planFleet(FLEET_PROFILES['chat-10k']!);
    const sq = serviceQuotas(
      { fargate: { 'Fargate On-Demand vCPU resource count': plan.vcpu }, apigateway: { 'New connections per second': 1_000, 'Throttle rate': 15_000 } },
      DEFAULTS,
    );
    try {
      expect((await preflight(FLEET_PROFILES['chat-10k']!, stag, await sq.client())).problems).toEqual([]);
    } finally {
      await sq.stop();
    }
  });

  it("connects chat followers within the env's new-connection quota record, keeping the profile's members connected", async () => {
    // chat-10k fits stag's record (1,000/s, 833 with headroom) as it is: k6 runs its own profile.
    expect(chatRamp(FLEET_PROFILES['chat-10k']!, stag)).toBeNull();
    // chat-100k's 5,000/s does not: 833/s, each follower connected long enough for 100,000 at once.
    const ramp = chatRamp(FLEET_PROFILES['chat-100k']!, stag)!;
    expect(ramp).toEqual({ followersPerSecond: 833, sessionSeconds: Math.ceil(100_000 / 833) });
    expect(ramp.followersPerSecond * ramp.sessionSeconds).toBeGreaterThanOrEqual(100_000);
    const k6 = ensureK6();
    const script = path.join(workspaceRoot, 'loadtests/src/chat-spike.ts');
    const asIs = k6RunSeconds(k6, script, { PROFILE: 'chat-100k' });
    const ramped = k6RunSeconds(k6, script, { PROFILE: 'chat-100k', PEAK_FOLLOWERS_PER_SECOND: '833', SESSION_SECONDS: `${ramp.sessionSeconds}` });
    expect(ramped - asIs).toBe(ramp.sessionSeconds - 20);

    // An account that has stag's records lets it through (its deliveries are measured against
    // the quota's floor, not counted against it); one at AWS's defaults is refused by name.
    const fargate = { 'Fargate On-Demand vCPU resource count': stag.quotas.fargateOnDemandVcpu };
    const records = { fargate, apigateway: { 'New connections per second': 1_000, 'Throttle rate': 15_000 } };
    const sq = serviceQuotas(records, DEFAULTS);
    try {
      expect((await preflight(FLEET_PROFILES['chat-100k']!, stag, await sq.client())).problems).toEqual([]);
    } finally {
      await sq.stop();
    }
    const defaults = serviceQuotas({ fargate }, DEFAULTS);
    try {
      const { problems } = await preflight(FLEET_PROFILES['chat-100k']!, stag, await defaults.client());
      expect(problems).toEqual([
        expect.stringMatching(/^apigateway quota "New connections per second" is 500 .*needs 833 for 833 followers arriving per second/),
      ]);
    } finally {
      await defaults.stop();
    }
  });

  it('sizes by whichever of arrivals, sockets and frames needs the most tasks', () => {
    for (const profile of Object.values(FLEET_PROFILES)) {
      const plan = planFleet(profile);
      expect(plan.tasks).toBe(Math.max(1, plan.byArrivals, plan.bySockets, plan.byFrames));
      expect(plan.vcpu).toBe(plan.tasks * TASK_SIZE.vcpu);
    }
    expect(planFleet(FLEET_PROFILES['chat-100k']!).tasks).toBeGreaterThan(planFleet(FLEET_PROFILES['chat-10k']!).tasks);
  });
});
