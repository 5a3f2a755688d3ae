/**
 * The account quotas an environment needs, from its catalogue records (webSocket.account* and
 * quotas), and a check of the live values through Service Quotas. Quotas are looked up by service
 * and name (ListServiceQuotas, then ListAWSDefaultServiceQuotas for one never adjusted), so a
 * missing or renamed quota is an error, never a silent pass.
 */
import { ListAWSDefaultServiceQuotasCommand, ListServiceQuotasCommand, type ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { fargatePeakVcpu, UNRESERVED_LAMBDA_CONCURRENCY, type Environment } from '@relay/platform-config';

export interface QuotaNeed {
  service: string;
  name: string;
  needed: number;
  /** What in the catalogue needs it. */
  why: string;
}

export function quotaNeeds(env: Environment): QuotaNeed[] {
  const reserved = env.lambda.reservedDeliverConcurrency ?? 0;
  const fargate = env.fargate.spot ? 'Fargate Spot vCPU resource count' : 'Fargate On-Demand vCPU resource count';
  return [
    {
      service: 'lambda',
      name: 'Concurrent executions',
      needed: env.quotas.lambdaConcurrentExecutions,
      why: `quotas.lambdaConcurrentExecutions (deliver reserves ${reserved}, AWS keeps ${UNRESERVED_LAMBDA_CONCURRENCY} unreserved, ${env.lambda.fanoutWorkers} fan-out workers)`,
    },
    {
      service: 'fargate',
      name: fargate,
      needed: env.fargate.spot ? env.quotas.fargateSpotVcpu : env.quotas.fargateOnDemandVcpu,
      why: `quotas.fargate${env.fargate.spot ? 'Spot' : 'OnDemand'}Vcpu (${fargatePeakVcpu(env.fargate)} vCPU at maxCount ${env.fargate.maxCount})`,
    },
    { service: 'apigateway', name: 'Throttle rate', needed: env.webSocket.accountRequestsPerSecond, why: 'webSocket.accountRequestsPerSecond' },
    {
      service: 'apigateway',
      name: 'New connections per second',
      needed: env.webSocket.accountNewConnectionsPerSecond,
      why: 'webSocket.accountNewConnectionsPerSecond',
    },
  ];
}

async function quotasOf(client: ServiceQuotasClient, service: string, defaults: boolean): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = defaults
      ? await client.send(new ListAWSDefaultServiceQuotasCommand({ ServiceCode: service, NextToken: token }))
      : await client.send(new ListServiceQuotasCommand({ ServiceCode: service, NextToken: token }));
    for (const q of page.Quotas ?? []) if (q.QuotaName && q.Value !== undefined) found.set(q.QuotaName, q.Value);
    token = page.NextToken;
  } while (token);
  return found;
}

/** One line per quota below what the environment needs (or not found); empty when all hold. */
export function quotaProblems(env: Environment, client: ServiceQuotasClient): Promise<string[]> {
  return unmetQuotas(quotaNeeds(env), env, client, `${env.name} needs`, 'request an increase in Service Quotas before applying');
}

/**
 * The needs Service Quotas says the env's account does not meet, one line each naming the
 * quota, its value, the value needed and why; `who` says whose need it is, `then` what to do.
 */
export async function unmetQuotas(needs: QuotaNeed[], env: Environment, client: ServiceQuotasClient, who: string, then: string): Promise<string[]> {
  const problems: string[] = [];
  const cache = new Map<string, Map<string, number>>();
  const lookup = async (service: string, name: string) => {
    for (const defaults of [false, true]) {
      const key = `${service}:${defaults}`;
      const quotas = cache.get(key) ?? (await quotasOf(client, service, defaults));
      cache.set(key, quotas);
      const value = quotas.get(name);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  for (const need of needs) {
    const value = await lookup(need.service, need.name);
    if (value === undefined) problems.push(`${need.service} quota "${need.name}" is not in Service Quotas for ${env.region}: check its name`);
    else if (value < need.needed) {
      problems.push(
        `${need.service} quota "${need.name}" is ${value} in account ${env.accountId} (${env.region}); ${who} ${need.needed} for ${need.why}: ${then}`,
      );
    }
  }
  return problems;
}
