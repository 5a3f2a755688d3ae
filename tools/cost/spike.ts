import { ensureK6 } from '@relay/k6-process';
import { FLEET_PROFILES, NIGHTLY_PROFILES, planFleet } from '@relay/fleet';
import { estimateRun } from '@relay/fleet-cost';
import { resolveEnvironment, type Environment } from '@relay/platform-config';
import type { UnitCost } from '@relay/cost-model';

/**
 * A night of the spike, priced as the fleet prices each run before launching it (estimateRun:
 * the planned generators for k6's own run length, the woken service, the LCU reservation), over
 * the profiles the nightly runs, against the env that runs a fleet.
 */
export function nightlySpikeCost(env: Environment, k6: string = ensureK6()): UnitCost {
  const prod = resolveEnvironment('prod');
  const runs = NIGHTLY_PROFILES.map((name) => {
    const profile = FLEET_PROFILES[name];
    if (!profile) throw new Error(`the nightly's profile ${name} is not a fleet profile`);
    const { tasks } = planFleet(profile);
    return { name, tasks, estimate: estimateRun(profile, env, prod, tasks, k6) };
  });
  return {
    what: `a nightly spike run on ${env.name} (${NIGHTLY_PROFILES.join(' then ')})`,
    usd: runs.reduce((sum, r) => sum + r.estimate.usd, 0),
    lines: runs.flatMap((r) => [
      `${r.name} (${r.tasks} generator task(s)): $${r.estimate.usd.toFixed(2)}`,
      ...r.estimate.parts.flatMap((p) => p.lines.map((l) => `  ${l}`)),
    ]),
  };
}
