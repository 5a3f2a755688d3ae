import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { resolveEnvironment, type Environment } from '@relay/platform-config';
import { unmetQuotas } from '@relay/quotas';
import { fleetQuotaNeeds, planFleet, profileFor, type FleetPlan, type FleetProfile } from './plan';

/** The plan of a run, and the quotas Service Quotas says would throttle it (empty: go). */
export async function preflight(asked: FleetProfile, env: Environment, client: ServiceQuotasClient): Promise<{ plan: FleetPlan; problems: string[] }> {
  // Chat arrivals as the env's new-connection quota record allows them (chatRamp).
  const profile = profileFor(asked, env);
  const plan = planFleet(profile);
  const needs = fleetQuotaNeeds(profile, plan, env, resolveEnvironment('prod'));
  const problems = await unmetQuotas(needs, env, client, 'this run needs', 'request an increase, or run a smaller profile');
  return { plan, problems };
}
