import { resolveEnvironment } from '@relay/platform-config';
import { serviceQuotas, type Quotas } from '../terraform/service-quotas-stand-in';
import { FLEET_PROFILES, planFleet, TASK_SIZE } from './plan';
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

  it('refuses chat-100k until the account takes 5,000 new connections a second', async () => {
    const sq = serviceQuotas({ apigateway: { 'New connections per second': 1_000, 'Throttle rate': 15_000 } }, DEFAULTS);
    try {
      const { problems } = await preflight(FLEET_PROFILES['chat-100k']!, stag, await sq.client());
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^apigateway quota "New connections per second" is 1000 .*needs 5000 for 5000 followers arriving per second/),
        ]),
      );
    } finally {
      await sq.stop();
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
