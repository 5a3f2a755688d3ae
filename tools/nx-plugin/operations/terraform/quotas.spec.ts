import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { resolveEnvironment } from '@relay/platform-config';
import { quotaNeeds, quotaProblems } from './quotas';

/**
 * The quota preflight through the real SDK client against a Service Quotas stand-in on
 * 127.0.0.1. moto implements Service Quotas for VPC only, and no recorded responses are at hand:
 * the stand-in speaks the service's JSON 1.1 protocol (X-Amz-Target ServiceQuotasV20190624.*) with
 * the response shape of AWS's API reference, paginating one quota per page.
 */
type Quotas = Record<string, Record<string, number>>;

function serviceQuotas(applied: Quotas, defaults: Quotas) {
  const targets: string[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      targets.push(target);
      const { ServiceCode, NextToken } = JSON.parse(raw || '{}') as { ServiceCode: string; NextToken?: string };
      const source = target.endsWith('.ListAWSDefaultServiceQuotas') ? defaults : target.endsWith('.ListServiceQuotas') ? applied : undefined;
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (!source) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
        return;
      }
      const all = Object.entries(source[ServiceCode] ?? {});
      const index = NextToken ? Number(NextToken) : 0;
      const page = all.slice(index, index + 1).map(([QuotaName, Value]) => ({ ServiceCode, QuotaName, QuotaCode: `L-${index}`, Value, Adjustable: true }));
      res.end(JSON.stringify({ Quotas: page, ...(index + 1 < all.length ? { NextToken: String(index + 1) } : {}) }));
    });
  });
  return {
    targets,
    async client() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return new ServiceQuotasClient({
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        region: 'ap-northeast-2',
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

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
