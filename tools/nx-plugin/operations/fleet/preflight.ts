import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { resolveEnvironment, type Environment } from '@relay/platform-config';
import { unmetQuotas } from '../terraform/quotas';
import { fleetQuotaNeeds, planFleet, type FleetPlan, type FleetProfile } from './plan';

/** The plan of a run, and the quotas Service Quotas says would throttle it (empty: go). */
export async function preflight(profile: FleetProfile, env: Environment, client: ServiceQuotasClient): Promise<{ plan: FleetPlan; problems: string[] }> {
  const plan = planFleet(profile);
  const needs = fleetQuotaNeeds(profile, plan, env, resolveEnvironment('prod'));
  const problems = await unmetQuotas(needs, env, client, 'this run needs', 'request an increase, or run a smaller profile');
  return { plan, problems };
}
