import { resolveEnvironment } from '@relay/platform-config';
import { quotaNeeds, quotaProblems } from './quotas';
import { serviceQuotas, type Quotas } from './service-quotas-stand-in';

/** The quota preflight through the real SDK client, against the Service Quotas stand-in. */

/** A new account: reduced Lambda concurrency, a few Fargate vCPU, API Gateway at its defaults. */
const NEW_ACCOUNT_DEFAULTS: Quotas = {
  lambda: { 'Concurrent executions': 10, 'Function and layer storage': 75 },
  fargate: { 'Fargate On-Demand vCPU resource count': 6, 'Fargate Spot vCPU resource count': 6 },
  apigateway: { 'Throttle rate': 10_000, 'New connections per second': 500 },
};

describe('quota preflight', () => {
  it('refuses prod on a new account, naming each quota, its value and what prod needs', async () => {
    const sq = serviceQuotas({}, NEW_ACCOUNT_DEFAULTS);
    try {
      const problems = await quotaProblems(resolveEnvironment('prod'), await sq.client());
      expect(problems).toEqual([
        expect.stringMatching(/^lambda quota "Concurrent executions" is 10 in account 333333333333 .*prod needs 1000 for .*deliver reserves 200/),
        expect.stringMatching(/^fargate quota "Fargate On-Demand vCPU resource count" is 6 .*prod needs 40/),
        expect.stringMatching(/^apigateway quota "Throttle rate" is 10000 .*needs 20000/),
        expect.stringMatching(/^apigateway quota "New connections per second" is 500 .*needs 2000/),
      ]);
      // Applied values first, AWS defaults for quotas never adjusted; both paginated.
      expect(sq.targets.filter((t) => t.endsWith('.ListServiceQuotas')).length).toBeGreaterThanOrEqual(3);
    } finally {
      await sq.stop();
    }
  });

  it('passes once the increases are applied, and dev on the defaults it records', async () => {
    const sq = serviceQuotas(
      {
        lambda: { 'Concurrent executions': 1000 },
        fargate: { 'Fargate On-Demand vCPU resource count': 40 },
        apigateway: { 'Throttle rate': 20_000, 'New connections per second': 2_000 },
      },
      NEW_ACCOUNT_DEFAULTS,
    );
    try {
      const client = await sq.client();
      expect(await quotaProblems(resolveEnvironment('prod'), client)).toEqual([]);
      expect(await quotaProblems(resolveEnvironment('dev'), client)).toEqual([]);
    } finally {
      await sq.stop();
    }
  });

  it('says so when a quota is not found, instead of passing', async () => {
    const sq = serviceQuotas({}, { lambda: { 'Concurrent executions': 1000 } });
    try {
      const problems = await quotaProblems(resolveEnvironment('dev'), await sq.client());
      expect(problems).toContain('fargate quota "Fargate Spot vCPU resource count" is not in Service Quotas for ap-northeast-2: check its name');
    } finally {
      await sq.stop();
    }
  });

  it('lists what each environment needs (the bootstrap checklist)', () => {
    for (const name of ['dev', 'stag', 'prod']) {
      const needs = quotaNeeds(resolveEnvironment(name));
      expect(needs.map((n) => `${n.service}/${n.name}`)).toEqual([
        'lambda/Concurrent executions',
        `fargate/Fargate ${resolveEnvironment(name).fargate.spot ? 'Spot' : 'On-Demand'} vCPU resource count`,
        'apigateway/Throttle rate',
        'apigateway/New connections per second',
      ]);
    }
  });
});
